// taktctl check PLANT.yaml: validates a plant and prints every problem with file:line:col.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "control/cli/commands.hpp"
#include "control/cli/json_output.hpp"
#include "control/model/loader.hpp"
#include "control/model/units.hpp"

namespace takt::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string format = "text";
};

nlohmann::json to_json(const model::Diagnostic& d) {
  return {{"file", d.where.file},     {"line", d.where.line},
          {"column", d.where.column}, {"severity", d.severity == model::Severity::error ? "error" : "warning"},
          {"message", d.message},     {"hint", d.hint}};
}

std::string summary(const model::Plant& p) {
  std::size_t scheduled = 0, bounded = 0, best_effort = 0;
  for (const auto& s : p.streams) {
    if (s.traffic_class == model::TrafficClassKind::scheduled)
      ++scheduled;
    else if (s.traffic_class == model::TrafficClassKind::bounded)
      ++bounded;
    else
      ++best_effort;
  }
  return fmt::format(
      "{}: plant '{}' is valid: {} bridges, {} end stations, {} links, {} streams ({} scheduled, {} bounded, {} "
      "best-effort)",
      p.file, p.name, p.bridge_count(), p.end_station_count(), p.links.size(), p.streams.size(), scheduled, bounded,
      best_effort);
}

int run(const CheckOptions& o) {
  int rc = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : o.files) {
    auto result = model::load_plant_file(f);
    const bool valid = result.plant.has_value();
    if (!valid) rc = 1;
    if (o.format == "json") {
      nlohmann::json j{{"file", f}, {"valid", valid}, {"diagnostics", nlohmann::json::array()}};
      for (const auto& d : result.diagnostics) j["diagnostics"].push_back(to_json(d));
      if (valid) {
        const auto& p = *result.plant;
        j["plant"] = {{"name", p.name},
                      {"bridges", p.bridge_count()},
                      {"end-stations", p.end_station_count()},
                      {"links", p.links.size()},
                      {"streams", p.streams.size()}};
      }
      out.push_back(j);
    } else {
      for (const auto& d : result.diagnostics) std::cerr << d.str() << "\n";
      if (valid) {
        std::cout << summary(*result.plant) << "\n";
      } else {
        const auto errors = std::count_if(result.diagnostics.begin(), result.diagnostics.end(),
                                          [](const auto& d) { return d.severity == model::Severity::error; });
        std::cerr << fmt::format("{}: {} error{}; nothing was planned\n", f, errors, errors == 1 ? "" : "s");
      }
    }
  }
  if (o.format == "json") std::cout << json_text(out.size() == 1 ? out[0] : out);
  return rc;
}

}  // namespace

void add_check_command(CLI::App& app, ExitCode& exit_code) {
  auto opts = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Validate plant files; report every problem with file:line:col");
  cmd->add_option("plant", opts->files, "Plant YAML file(s)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts, &exit_code] { exit_code.value = run(*opts); });
}

}  // namespace takt::cli
