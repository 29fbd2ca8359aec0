// taktctl plan PLANT.yaml -o DIR [--keep OLD] [--format text|json]
// taktctl plan --tsnkit TASK.csv TOPO.csv -o DIR
// Loads and validates the plant, routes, synthesises and verifies; writes the plan and every
// artifact only when the verifier accepts it, then prints the report. Exit 0 planned, 1 the
// plant is invalid or cannot be scheduled (every reason printed, naming stream, port and the
// binding numbers), 2 usage.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "control/cli/commands.hpp"
#include "control/export/plan_artifacts.hpp"
#include "control/export/plan_report.hpp"
#include "control/export/tsnkit.hpp"
#include "control/model/loader.hpp"
#include "control/schedule/plan_json.hpp"
#include "control/schedule/planner.hpp"

namespace takt::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct PlanOptions {
  std::string plant;
  std::string out;
  std::string keep;
  std::vector<std::string> tsnkit;
  std::string format = "text";
};

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(fmt::format("{}: cannot read", path));
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

Json diagnostic_json(const model::Diagnostic& d) {
  return {{"file", d.where.file},     {"line", d.where.line},
          {"column", d.where.column}, {"severity", d.severity == model::Severity::error ? "error" : "warning"},
          {"message", d.message},     {"hint", d.hint}};
}

struct Loaded {
  std::optional<model::Plant> plant;
  Json errors = Json::array();
};

// Reports every problem on stderr (text) or into `errors` (json).
Loaded load(const PlanOptions& o) {
  Loaded out;
  const bool text = o.format == "text";
  model::LoadResult result;
  if (!o.tsnkit.empty()) {
    // The converted plant is written next to the plan so diagnostics point into a real file.
    fs::create_directories(o.out);
    const std::string plant_file = (fs::path(o.out) / "plant.yaml").string();
    auto imported = exporter::from_tsnkit(read_text(o.tsnkit[0]), read_text(o.tsnkit[1]),
                                          fs::path(o.tsnkit[0]).stem().string(), o.tsnkit[0], o.tsnkit[1]);
    for (const auto& e : imported.errors) {
      if (text) std::cerr << e << "\n";
      out.errors.push_back({{"message", e}});
    }
    if (!imported.errors.empty()) return out;
    std::ofstream(plant_file) << imported.plant_yaml;
    result = model::load_plant_text(imported.plant_yaml, plant_file);
  } else {
    result = model::load_plant_file(o.plant);
  }
  for (const auto& d : result.diagnostics) {
    if (text) std::cerr << d.str() << "\n";
    out.errors.push_back(diagnostic_json(d));
  }
  out.plant = std::move(result.plant);
  return out;
}

std::string issue_line(const schedule::Issue& i) {
  std::string where;
  if (!i.stream.empty()) where += "stream " + i.stream;
  if (!i.port.empty()) where += (where.empty() ? "" : ", ") + std::string("port ") + i.port;
  return where.empty() ? i.message : where + ": " + i.message;
}

int run(const PlanOptions& o) {
  const bool text = o.format == "text";
  const auto t0 = std::chrono::steady_clock::now();
  Loaded loaded;
  try {
    loaded = load(o);
  } catch (const std::exception& e) {
    if (text)
      std::cerr << e.what() << "\n";
    else
      std::cout << Json{{"planned", false}, {"errors", {{{"message", e.what()}}}}}.dump(2) << "\n";
    return 1;
  }
  const std::string source = o.tsnkit.empty() ? o.plant : o.tsnkit[0];
  if (!loaded.plant) {
    if (text)
      std::cerr << fmt::format("{}: the plant is invalid; nothing was planned\n", source);
    else
      std::cout << Json{{"planned", false}, {"errors", loaded.errors}}.dump(2) << "\n";
    return 1;
  }
  const model::Plant& plant = *loaded.plant;

  std::optional<schedule::Plan> kept;
  if (!o.keep.empty()) {
    const fs::path keep = fs::is_directory(o.keep) ? fs::path(o.keep) / "plan.json" : fs::path(o.keep);
    try {
      kept = schedule::read_plan_file(keep.string());
    } catch (const std::exception& e) {
      if (text)
        std::cerr << fmt::format("--keep {}: {}\n", keep.string(), e.what());
      else
        std::cout << Json{{"planned", false}, {"errors", {{{"message", e.what()}}}}}.dump(2) << "\n";
      return 1;
    }
  }

  const auto outcome = schedule::plan_plant(plant, kept ? &*kept : nullptr);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!outcome.plan) {
    const auto& syn = outcome.synthesis;
    if (text) {
      std::cerr << fmt::format(
          "{}: plant '{}' cannot be scheduled ({} of {} scheduled streams placed); nothing was written:\n", source,
          plant.name, syn.scheduled_placed, syn.scheduled_requested);
      for (const auto& i : outcome.issues) std::cerr << "  " << issue_line(i) << "\n";
    } else {
      Json issues = Json::array();
      for (const auto& i : outcome.issues)
        issues.push_back({{"stream", i.stream}, {"port", i.port}, {"message", i.message}});
      std::cout << Json{{"planned", false},
                        {"plant", plant.name},
                        {"scheduled-requested", syn.scheduled_requested},
                        {"scheduled-placed", syn.scheduled_placed},
                        {"issues", std::move(issues)}}
                       .dump(2)
                << "\n";
    }
    return 1;
  }

  exporter::ReportExtras extras;
  if (kept) extras.moved = outcome.moved;
  std::vector<exporter::ArtifactFile> files;
  try {
    files = exporter::write_plan_artifacts(o.out, *outcome.plan, plant, extras);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("{}: {}\n", o.out, e.what());
    return 1;
  }
  if (!o.tsnkit.empty()) files.insert(files.begin(), {"plant.yaml", fs::file_size(fs::path(o.out) / "plant.yaml")});
  std::uintmax_t total = 0;
  for (const auto& f : files) total += f.bytes;

  if (text) {
    std::cout << exporter::plan_report(*outcome.plan, plant, extras);
    std::cout << fmt::format("\nPlanned and verified in {:.1f} ms; wrote {} files ({} bytes) to {}\n", ms, files.size(),
                             total, o.out);
  } else {
    Json j{{"planned", true}, {"output", o.out}, {"milliseconds", ms}};
    j["summary"] = exporter::plan_summary(*outcome.plan, plant, extras);
    Json fj = Json::array();
    for (const auto& f : files) fj.push_back({{"path", f.path}, {"bytes", f.bytes}});
    j["files"] = std::move(fj);
    std::cout << j.dump(2) << "\n";
  }
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, ExitCode& exit_code) {
  auto opts = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand(
      "plan", "Route, schedule and verify a plant; write the plan, switch configurations and a report");
  auto* plant = cmd->add_option("plant", opts->plant, "Plant YAML file")->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", opts->out, "Folder for plan.json and every artifact (created if missing)")->required();
  cmd->add_option("--keep", opts->keep, "Earlier plan (its folder or plan.json): keep its streams where they are")
      ->check(CLI::ExistingPath);
  auto* tsnkit = cmd->add_option("--tsnkit", opts->tsnkit, "Plan a TSNKit instance instead: TASK.csv TOPO.csv")
                     ->expected(2)
                     ->check(CLI::ExistingFile);
  plant->excludes(tsnkit);
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts, &exit_code] {
    if (opts->plant.empty() && opts->tsnkit.empty())
      throw CLI::RequiredError("plant: give a plant YAML file or --tsnkit TASK.csv TOPO.csv");
    exit_code.value = run(*opts);
  });
}

}  // namespace takt::cli
