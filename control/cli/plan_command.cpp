// taktctl plan PLANT.yaml -o DIR [--keep OLD [--no-move]] [--format text|json]
// taktctl plan --tsnkit TASK.csv TOPO.csv -o DIR [--tsnkit-model tsnkit|ethernet]
// Loads and validates the plant, routes, synthesises and verifies; writes the plan and every
// artifact only when the verifier accepts it, then prints the report. The output folder is
// replaced whole or not at all (control/export/plan_folder.hpp): a plan that fails leaves it
// byte for byte as it was. Exit 0 planned, 1 the plant is invalid or cannot be scheduled (every
// reason printed, naming stream, port and the binding numbers) or the folder cannot be
// written, 2 usage. --keep keeps the earlier plan's streams on their routes and windows where
// they still hold; --no-move refuses (exit 1) a plan that would move any of them, naming each.
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/file_text.hpp"
#include "control/cli/commands.hpp"
#include "control/cli/json_output.hpp"
#include "control/export/plan_artifacts.hpp"
#include "control/export/plan_folder.hpp"
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
  bool no_move = false;  // with keep: refuse a plan that moves a kept stream
  std::vector<std::string> tsnkit;
  std::string tsnkit_model = "tsnkit";  // TSNKit's problem (wire bytes, no sync error) or takt's Ethernet
  std::string format = "text";
};

// The reason is the system's ("Permission denied"), so a person knows what to fix.
std::string read_text(const std::string& path) {
  auto text = read_file_text(path);
  if (!text)
    throw std::runtime_error(text.error().hint.empty()
                                 ? text.error().message
                                 : fmt::format("{} ({})", text.error().message, text.error().hint));
  return std::move(*text);
}

Json diagnostic_json(const model::Diagnostic& d) {
  return {{"file", d.where.file},     {"line", d.where.line},
          {"column", d.where.column}, {"severity", d.severity == model::Severity::error ? "error" : "warning"},
          {"message", d.message},     {"hint", d.hint}};
}

struct Loaded {
  std::optional<model::Plant> plant;
  Json errors = Json::array();
  std::string converted_yaml;  // --tsnkit: the plant as converted, written into the plan
  std::string converted_file;  // --tsnkit: where diagnostics point (kept when the plan fails)
};

// The converted plant goes to a file of its own in the temporary folder, not into the output
// folder: diagnostics need a real file to point into, and a failed plan must leave the output
// folder as it was. It is removed when the plan succeeds (the plan folder then holds a copy).
std::string keep_converted_plant(const std::string& yaml) {
  std::string path = (fs::temp_directory_path() / "takt-tsnkit-plant-XXXXXX.yaml").string();
  const int fd = ::mkstemps(path.data(), 5);
  if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  ::close(fd);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << yaml;
  f.close();
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write", path));
  return path;
}

// Reports every problem on stderr (text) or into `errors` (json).
Loaded load(const PlanOptions& o) {
  Loaded out;
  const bool text = o.format == "text";
  model::LoadResult result;
  if (!o.tsnkit.empty()) {
    const auto frame_model = o.tsnkit_model == "ethernet" ? model::FrameModel::ethernet : model::FrameModel::wire_bytes;
    auto imported = exporter::from_tsnkit(read_text(o.tsnkit[0]), read_text(o.tsnkit[1]),
                                          fs::path(o.tsnkit[0]).stem().string(), o.tsnkit[0], o.tsnkit[1], frame_model);
    for (const auto& e : imported.errors) {
      if (text) std::cerr << e << "\n";
      out.errors.push_back({{"message", e}});
    }
    if (!imported.errors.empty()) return out;
    out.converted_yaml = imported.plant_yaml;
    out.converted_file = keep_converted_plant(imported.plant_yaml);
    result = model::load_plant_text(imported.plant_yaml, out.converted_file);
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

// Prints a failure in the chosen format; the output folder was not touched.
int refuse(const PlanOptions& o, const Loaded& loaded, Json j, const std::string& message) {
  if (o.format == "text") {
    if (!message.empty()) std::cerr << message << "\n";
    if (!loaded.converted_file.empty())
      std::cerr << fmt::format("the plant converted from TSNKit is kept at {}\n", loaded.converted_file);
  } else {
    if (!loaded.converted_file.empty()) j["converted-plant"] = loaded.converted_file;
    std::cout << json_text(j);
  }
  return 1;
}

Json message_error(const std::string& message) {
  return Json{{"planned", false}, {"errors", Json::array({Json{{"message", message}}})}};
}

int run(const PlanOptions& o) {
  const bool text = o.format == "text";
  const auto t0 = std::chrono::steady_clock::now();
  Loaded loaded;
  try {
    loaded = load(o);
  } catch (const std::exception& e) {
    return refuse(o, loaded, message_error(e.what()), e.what());
  }
  const std::string source = o.tsnkit.empty() ? o.plant : o.tsnkit[0];
  if (!loaded.plant)
    return refuse(o, loaded, Json{{"planned", false}, {"errors", loaded.errors}},
                  fmt::format("{}: the plant is invalid; nothing was planned", source));
  const model::Plant& plant = *loaded.plant;

  std::optional<schedule::Plan> kept;
  if (!o.keep.empty()) {
    const fs::path keep = fs::is_directory(o.keep) ? fs::path(o.keep) / "plan.json" : fs::path(o.keep);
    try {
      kept = schedule::read_plan_file(keep.string());
    } catch (const std::exception& e) {
      const std::string message = fmt::format("--keep {}: {}", keep.string(), e.what());
      return refuse(o, loaded, message_error(message), message);
    }
    // Keeping another plant's windows would keep nothing while saying every stream stayed.
    if (kept->plant != plant.name) {
      const std::string message = fmt::format(
          "--keep {}: a plan for plant '{}', not '{}'; give the plan this plant was planned to before, or plan "
          "without --keep",
          keep.string(), kept->plant, plant.name);
      return refuse(o, loaded, message_error(message), message);
    }
  }

  schedule::SynthesisOptions synthesis;
  synthesis.no_move = o.no_move;
  const auto outcome = schedule::plan_plant(plant, kept ? &*kept : nullptr, synthesis);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (kept && o.no_move && !outcome.moved.empty()) {
    std::string message =
        fmt::format("{}: --no-move: the plan would move {} stream{} of the kept plan; nothing was written:", source,
                    outcome.moved.size(), outcome.moved.size() == 1 ? "" : "s");
    for (const auto& i : outcome.issues) message.append("\n  ").append(issue_line(i));
    Json issues = Json::array();
    for (const auto& i : outcome.issues)
      issues.push_back({{"stream", i.stream}, {"port", i.port}, {"message", i.message}});
    return refuse(
        o, loaded,
        Json{{"planned", false}, {"plant", plant.name}, {"moved", outcome.moved}, {"issues", std::move(issues)}},
        message);
  }
  if (!outcome.plan) {
    const auto& syn = outcome.synthesis;
    std::string message = fmt::format(
        "{}: plant '{}' cannot be scheduled ({} of {} scheduled streams placed); nothing was written:", source,
        plant.name, syn.scheduled_placed, syn.scheduled_requested);
    for (const auto& i : outcome.issues) message.append("\n  ").append(issue_line(i));
    Json issues = Json::array();
    for (const auto& i : outcome.issues)
      issues.push_back({{"stream", i.stream}, {"port", i.port}, {"message", i.message}});
    return refuse(o, loaded,
                  Json{{"planned", false},
                       {"plant", plant.name},
                       {"scheduled-requested", syn.scheduled_requested},
                       {"scheduled-placed", syn.scheduled_placed},
                       {"issues", std::move(issues)}},
                  message);
  }

  exporter::ReportExtras extras;
  if (kept) {
    extras.moved = outcome.moved;
    extras.moved_why = outcome.synthesis.moved_why;
  }
  std::vector<exporter::ArtifactFile> files;
  try {
    exporter::PlanFolder folder(o.out);
    std::vector<exporter::ExtraFile> extra;
    if (!loaded.converted_yaml.empty()) extra.push_back({"plant.yaml", loaded.converted_yaml});
    try {
      files = exporter::write_plan_artifacts(folder.staging().string(), *outcome.plan, plant, extras, extra);
    } catch (const std::exception& e) {
      throw exporter::PlanFolderError(fmt::format("{}: {}; nothing in it was changed", o.out, e.what()));
    }
    folder.publish();
  } catch (const std::exception& e) {
    return refuse(o, loaded, message_error(e.what()), e.what());
  }
  if (!loaded.converted_file.empty()) fs::remove(loaded.converted_file);
  std::uintmax_t total = 0;
  for (const auto& f : files) total += f.bytes;

  // Best-effort streams are not admitted, so a missed or missing bound is said, not refused.
  Json warnings = Json::array();
  if (outcome.bounds)
    for (const auto& w : outcome.bounds->warnings) {
      if (text) std::cerr << "warning: " << w.message << "\n";
      warnings.push_back({{"stream", w.stream}, {"port", w.port}, {"message", w.message}});
    }
  if (text) {
    std::cout << exporter::plan_report(*outcome.plan, plant, extras);
    // "Planned and verified" only when every class is proved: a best-effort stream without a bound
    // within its max-latency is said on the same line, not hidden in the warnings above.
    const std::string verdict =
        warnings.empty() ? std::string("Planned and verified")
                         : fmt::format("Planned and verified except {} best-effort bound{} (see the warnings)",
                                       warnings.size(), warnings.size() == 1 ? "" : "s");
    std::cout << fmt::format("\n{} in {:.1f} ms; wrote {} files ({} bytes) to {}\n", verdict, ms, files.size(), total,
                             o.out);
  } else {
    Json j{{"planned", true}, {"output", o.out}, {"milliseconds", ms}};
    j["summary"] = exporter::plan_summary(*outcome.plan, plant, extras);
    Json fj = Json::array();
    for (const auto& f : files) fj.push_back({{"path", f.path}, {"bytes", f.bytes}});
    j["files"] = std::move(fj);
    j["warnings"] = std::move(warnings);
    std::cout << json_text(j);
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
  auto* keep =
      cmd->add_option("--keep", opts->keep, "Earlier plan (its folder or plan.json): keep its streams where they are")
          ->check(CLI::ExistingPath);
  cmd->add_flag("--no-move", opts->no_move,
                "With --keep: write nothing when a kept stream would move (another route or other windows), naming "
                "each")
      ->needs(keep);
  auto* tsnkit = cmd->add_option("--tsnkit", opts->tsnkit, "Plan a TSNKit instance instead: TASK.csv TOPO.csv")
                     ->expected(2)
                     ->check(CLI::ExistingFile);
  plant->excludes(tsnkit);
  cmd->add_option("--tsnkit-model", opts->tsnkit_model,
                  "With --tsnkit: solve TSNKit's problem (tsnkit: a size is bytes on the wire, no sync error) or "
                  "takt's exact Ethernet one (ethernet: a size is payload, plus Ethernet overhead and sync budget)")
      ->check(CLI::IsMember({"tsnkit", "ethernet"}))
      ->needs(tsnkit);
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts, &exit_code] {
    if (opts->plant.empty() && opts->tsnkit.empty())
      throw CLI::RequiredError("plant: give a plant YAML file or --tsnkit TASK.csv TOPO.csv");
    exit_code.value = run(*opts);
  });
}

}  // namespace takt::cli
