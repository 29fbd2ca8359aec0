// taktctl apply PLANT.yaml|PLAN_DIR --agents agents.yaml: installs the plan on every bridge at
// one PTP base time, or on none (control/southbound/installer.hpp).
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "control/cli/commands.hpp"
#include "control/cli/json_output.hpp"
#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/desired_plant.hpp"
#include "control/southbound/installer.hpp"
#include "control/southbound/station_installer.hpp"

namespace takt::cli {
namespace {

struct ApplyOptions {
  std::string input;
  std::string agents;
  std::string plant;
  std::int64_t lead_ms = 500;
  bool allow_unsynchronised = false;
  bool no_wait = false;
  std::int64_t hold_before_commit_ms = 0;
  std::string format = "text";
};

std::string tai_text(TaiTime t) {
  const std::int64_t ns = ns_of(t);
  return fmt::format("{}.{:09d} s TAI", ns / 1'000'000'000, ns % 1'000'000'000);
}

double ms(Nanos d) { return static_cast<double>(d.count()) / 1e6; }

int run(const ApplyOptions& o) {
  const bool text = o.format == "text";
  southbound::DesiredPlant desired;
  std::vector<southbound::AgentEndpoint> agents;
  std::vector<southbound::AgentEndpoint> stations;
  try {
    desired = southbound::load_desired_plant(o.input, o.plant);
    agents = southbound::load_agents_file(o.agents);
    stations = southbound::load_station_endpoints(o.agents);
  } catch (const std::exception& e) {
    if (text)
      std::cerr << e.what() << "\n";
    else
      std::cout << json_text(nlohmann::json{{"installed", false}, {"error", e.what()}});
    return 1;
  }
  if (text)
    std::cout << fmt::format("apply: plant '{}' from {}: {} bridges, hyperperiod {} ns, sync budget {} ns\n",
                             desired.plant, desired.source, desired.bridges.size(), desired.hyperperiod.count(),
                             desired.sync_budget.count());
  southbound::InstallOptions options;
  options.lead = std::chrono::milliseconds(o.lead_ms);
  options.allow_unsynchronised = o.allow_unsynchronised;
  options.wait_for_oper = !o.no_wait;
  options.hold_before_commit = std::chrono::milliseconds(o.hold_before_commit_ms);
  if (text) options.progress = [](const std::string& line) { std::cout << "  " << line << "\n" << std::flush; };
  // End stations first read only: one that cannot be reached refuses the apply before any bridge
  // is touched.
  if (const auto unreachable = southbound::check_stations(desired, stations); !unreachable.empty()) {
    std::string message = "end stations not ready; nothing was installed:";
    for (const auto& u : unreachable) message += "\n  " + u;
    if (text)
      std::cerr << "apply: " << message << "\n";
    else
      std::cout << json_text(nlohmann::json{{"installed", false}, {"error", message}, {"failures", unreachable}});
    return 3;
  }
  try {
    const auto report = southbound::install(desired, agents, options);
    const auto stations_report = southbound::install_stations(desired, stations);
    nlohmann::json station_json = nlohmann::json::array();
    for (const auto& s : stations_report.outcomes)
      station_json.push_back({{"station", s.station}, {"installed", s.installed}, {"detail", s.detail}});
    if (text) {
      std::cout << "clock health:\n";
      for (const auto& h : report.health) std::cout << "  " << h << "\n";
      std::cout << fmt::format("transaction {}: base time {}\n", report.transaction, tai_text(report.base_time));
      std::cout << "changes:\n";
      std::size_t changed = 0;
      for (const auto& c : report.changes) {
        if (c.changed) ++changed;
        std::cout << fmt::format("  {}:{}  {}\n", c.bridge, c.port,
                                 c.changed ? c.before + " -> " + c.after : "unchanged (" + c.after + ")");
      }
      std::cout << fmt::format(
          "installed on {} bridges ({} ports changed) in {:.1f} ms (health {:.1f}, stage {:.1f}, "
          "commit {:.1f}, confirm {:.1f})\n",
          desired.bridges.size(), changed, ms(report.total_time), ms(report.health_time), ms(report.stage_time),
          ms(report.commit_time), ms(report.confirm_time));
      if (!stations_report.outcomes.empty()) {
        std::cout << fmt::format("end stations ({:.1f} ms, maps swapped in place):\n", ms(stations_report.time));
        for (const auto& s : stations_report.outcomes)
          std::cout << fmt::format("  {}: {}\n", s.station, s.installed ? s.detail : "FAILED: " + s.detail);
      }
      for (const auto& u : stations_report.unmanaged)
        std::cout << fmt::format("  {}: no takt-station endpoint in {}: not installed here\n", u, o.agents);
    } else {
      nlohmann::json changes = nlohmann::json::array();
      for (const auto& c : report.changes)
        changes.push_back(
            {{"bridge", c.bridge}, {"port", c.port}, {"before", c.before}, {"after", c.after}, {"changed", c.changed}});
      std::cout << json_text(nlohmann::json{{"installed", true},
                                            {"transaction", report.transaction},
                                            {"base-time-ns", ns_of(report.base_time)},
                                            {"health", report.health},
                                            {"changes", changes},
                                            {"stations", station_json},
                                            {"stations-unmanaged", stations_report.unmanaged},
                                            {"total-ms", ms(report.total_time)}});
    }
    if (!stations_report.all_installed()) {
      if (text) std::cerr << "apply: the bridges run the new schedule, but an end station refused its configuration\n";
      return 3;
    }
    return 0;
  } catch (const southbound::InstallError& e) {
    if (text)
      std::cerr << "apply: " << e.what() << "\n";
    else
      std::cout << json_text(nlohmann::json{{"installed", false}, {"error", e.what()}, {"failures", e.failures()}});
    return 3;
  }
}

}  // namespace

void add_apply_command(CLI::App& app, ExitCode& exit_code) {
  auto opts = std::make_shared<ApplyOptions>();
  auto* cmd = app.add_subcommand("apply",
                                 "Install a plan on every bridge at one PTP base time, or on none. Exit 0 installed, 1 "
                                 "invalid input, 3 refused or "
                                 "failed (every bridge keeps its old schedule unless the message says otherwise)");
  cmd->add_option("input", opts->input, "Plant YAML (planned here) or a plan folder from `taktctl plan`")->required();
  cmd->add_option("--agents", opts->agents, "agents.yaml: bridge name -> agent URL and certificates")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--plant", opts->plant, "The plant a plan folder was planned from (default: plant.yaml in it)");
  cmd->add_option("--lead-ms", opts->lead_ms, "Base time at least this far after the agents' clocks")
      ->capture_default_str();
  cmd->add_flag("--allow-unsynchronised", opts->allow_unsynchronised,
                "Install even where clock health is missing or out of budget (development only)");
  cmd->add_flag("--no-wait", opts->no_wait,
                "Return after commit without waiting for the base time to check oper state");
  cmd->add_option("--format", opts->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  // Hidden: for tests that lose a bridge between stage and commit.
  cmd->add_option("--hold-before-commit-ms", opts->hold_before_commit_ms,
                  "Hold the staged transaction this long before committing (tests)")
      ->check(CLI::Range(0, 60'000))
      ->group("");
  cmd->callback([opts, &exit_code] { exit_code.value = run(*opts); });
}

}  // namespace takt::cli
