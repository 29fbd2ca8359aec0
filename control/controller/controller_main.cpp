// takt-controller: keeps a plant's schedule installed. Loads the desired plant (a plant YAML,
// planned here, or a plan folder), reconciles every bridge against it in rounds, reloads on
// SIGHUP or when the input files change (logging the plan diff), raises sync-loss alarms,
// keeps the last plan every bridge confirmed in its state directory, and serves /metrics.
#include <csignal>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "control/controller/reconciler.hpp"
#include "control/controller/state_dir.hpp"
#include "control/southbound/schedule_diff.hpp"
#include "ptp/host_tai_clock.hpp"
#include "telemetry/metrics_http_server.hpp"

namespace {

namespace fs = std::filesystem;
using namespace takt;

// The newest modification time among the inputs: a change to any of them means reload.
fs::file_time_type inputs_mtime(const std::vector<std::string>& paths) {
  fs::file_time_type newest{};
  for (const auto& p : paths) {
    std::error_code ec;
    if (p.empty()) continue;
    fs::path file = fs::is_directory(p, ec) ? fs::path(p) / "plan.json" : fs::path(p);
    const auto t = fs::last_write_time(file, ec);
    if (!ec && t > newest) newest = t;
  }
  return newest;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"takt-controller: keeps the desired plant's schedules installed on every bridge"};
  std::string input, plant_file, agents_file, state_dir = "/var/lib/takt-controller";
  std::string metrics_address = "127.0.0.1";
  std::uint16_t metrics_port = 9465;
  std::int64_t interval_ms = 1000, lead_ms = 500;
  bool allow_unsynchronised = false;
  std::string log_level = "info";
  app.add_option("input", input, "Plant YAML or plan folder (as for taktctl apply)")->required();
  app.add_option("--plant", plant_file, "The plant a plan folder was planned from");
  app.add_option("--agents", agents_file, "agents.yaml: bridge name -> agent URL and certificates")->required();
  app.add_option("--state-dir", state_dir, "Where the last good plan is kept")->capture_default_str();
  app.add_option("--metrics-address", metrics_address, "Address of the controller's /metrics")->capture_default_str();
  app.add_option("--metrics-port", metrics_port, "Port of the controller's /metrics (0: any)")->capture_default_str();
  app.add_option("--interval-ms", interval_ms, "Time between reconciliation rounds")->capture_default_str();
  app.add_option("--lead-ms", lead_ms, "Base time lead for installs")->capture_default_str();
  app.add_flag("--allow-unsynchronised", allow_unsynchronised, "Install without clock health (development only)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  // Signals are taken synchronously between rounds; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGHUP, SIGINT, SIGTERM}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    controller::StateDir state(state_dir);
    telemetry::MetricsRegistry registry;
    auto& reloads =
        registry.counter("takt_controller_plan_reloads_total", "Desired plant reloads, by result", {"result"});
    telemetry::MetricsHttpOptions metrics_options;
    metrics_options.address = metrics_address;
    metrics_options.port = metrics_port;
    metrics_options.server_name = "takt-controller";
    telemetry::MetricsHttpServer metrics(registry, metrics_options);

    controller::Reconciler reconciler({allow_unsynchronised, std::chrono::milliseconds(lead_ms)}, registry);
    reconciler.set_agents(southbound::load_agents_file(agents_file));
    try {
      reconciler.set_desired(southbound::load_desired_plant(input, plant_file));
      spdlog::info("controller: desired plant {} from {} ({} bridges)", reconciler.desired()->plant, input,
                   reconciler.desired()->bridges.size());
    } catch (const std::exception& e) {
      auto last = state.load_last_good();
      if (!last) throw;
      spdlog::error("controller: {}\ncontroller: keeping the last good plan from {}", e.what(), state.path());
      reconciler.set_desired(std::move(*last));
    }
    spdlog::info("controller: metrics on {}, state in {}, a round every {} ms", metrics.url(), state.path(),
                 interval_ms);

    const std::vector<std::string> watched{input, plant_file, agents_file};
    auto seen_mtime = inputs_mtime(watched);
    std::string saved_transaction;
    ptp::HostTaiClock clock([] { return std::chrono::seconds(37); });

    auto reload = [&](const char* why) {
      try {
        reconciler.set_agents(southbound::load_agents_file(agents_file));
        auto next = southbound::load_desired_plant(input, plant_file);
        const auto diff = southbound::plan_diff(reconciler.desired()->bridges, next.bridges);
        if (diff.empty()) {
          spdlog::info("controller: reload ({}): plan unchanged", why);
          reloads.with({"unchanged"}).add(0);
        } else {
          spdlog::info("controller: reload ({}): plan diff:", why);
          for (const auto& line : diff) spdlog::info("controller:   {}", line);
          reloads.with({"changed"}).add(0);
        }
        reconciler.set_desired(std::move(next));
      } catch (const std::exception& e) {
        reloads.with({"failed"}).add(0);
        spdlog::error("controller: reload ({}) failed, keeping the current plan: {}", why, e.what());
      }
    };

    for (;;) {
      const auto round = reconciler.run_round();
      if (round.converged && !round.transaction.empty()) saved_transaction = round.transaction;
      if (round.converged && round.alarms.empty() && !saved_transaction.empty()) {
        // Only a plan every bridge confirmed becomes the last good one.
        state.save_last_good(*reconciler.desired(), saved_transaction, clock.now());
        saved_transaction.clear();
      }
      timespec wait{interval_ms / 1000, (interval_ms % 1000) * 1'000'000};
      const int signal = sigtimedwait(&signals, nullptr, &wait);
      if (signal == SIGINT || signal == SIGTERM) {
        spdlog::info("controller: signal {}, stopping", signal);
        break;
      }
      if (signal == SIGHUP) {
        reload("SIGHUP");
        seen_mtime = inputs_mtime(watched);
      } else if (const auto now = inputs_mtime(watched); now != seen_mtime) {
        seen_mtime = now;
        reload("input files changed");
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("takt-controller: {}", e.what());
    return 1;
  }
  return 0;
}
