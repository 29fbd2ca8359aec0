#include "control/controller/reconciler.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "control/southbound/agent_fleet.hpp"
#include "control/southbound/schedule_diff.hpp"

namespace takt::controller {

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

}  // namespace

Reconciler::Reconciler(ReconcileOptions options, telemetry::MetricsRegistry& registry)
    : options_(options),
      rounds_(registry.counter("takt_controller_reconcile_rounds_total", "Reconciliation rounds run").with({})),
      installs_(registry.counter("takt_controller_installs_total", "Installs the controller attempted, by result",
                                 {"result"})),
      repairs_(registry.counter("takt_controller_repairs_total",
                                "Bridges reinstalled because they drifted or restarted", {"bridge"})),
      sync_losses_(registry.counter("takt_controller_sync_loss_total",
                                    "Times a bridge's clock was found unsynchronised", {"bridge"})),
      agent_up_(
          registry.gauge("takt_controller_agent_up", "1 when the bridge's agent answered the last round", {"bridge"})),
      sync_alarm_(registry.gauge("takt_controller_sync_alarm", "1 while the bridge's clock is out of the sync budget",
                                 {"bridge"})),
      converged_(registry.gauge("takt_controller_converged", "1 when every bridge runs the desired plan").with({})),
      desired_bridges_(registry.gauge("takt_controller_desired_bridges", "Bridges in the desired plant").with({})),
      last_install_seconds_(
          registry.gauge("takt_controller_last_install_duration_seconds", "Duration of the last successful install")
              .with({})) {}

void Reconciler::set_desired(southbound::DesiredPlant desired) {
  desired_bridges_.set(static_cast<double>(desired.bridges.size()));
  desired_ = std::move(desired);
}

void Reconciler::set_agents(std::vector<southbound::AgentEndpoint> agents) { agents_ = std::move(agents); }

RoundResult Reconciler::run_round() {
  RoundResult result;
  rounds_.add(0);
  if (!desired_) return result;
  const southbound::DesiredPlant& desired = *desired_;

  southbound::AgentFleet fleet(desired, agents_);
  for (const auto& u : fleet.unconnected()) {
    if (!u.error.empty()) spdlog::error("controller: {}", u.error);
    result.unreachable.push_back(u.bridge);
    agent_up_.with({u.bridge}).set(0);
  }
  const auto seen = fleet.observe(desired.sync_budget);

  southbound::DesiredPlant repair = desired;
  repair.bridges.clear();
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const std::string& bridge = fleet.clients()[i]->endpoint().bridge;
    BridgeMemory& mem = memory_[bridge];
    if (!seen[i].ok()) {
      if (mem.up) spdlog::warn("controller: {} unreachable: {}", bridge, seen[i].error);
      mem.up = false;
      agent_up_.with({bridge}).set(0);
      result.unreachable.push_back(bridge);
      continue;
    }
    if (!mem.up) spdlog::info("controller: {} answers again", bridge);
    mem.up = true;
    agent_up_.with({bridge}).set(1);

    const auto& h = seen[i].value->health;
    const bool alarm = h.has_clock_health ? !h.synchronised : !options_.allow_unsynchronised;
    if (alarm && !mem.alarm) {
      spdlog::error("controller: ALARM sync loss on {}: {}", bridge, h.reason);
      sync_losses_.with({bridge}).add(0);
    } else if (!alarm && mem.alarm) {
      spdlog::info("controller: {} clock back within budget: {}", bridge, h.reason);
    }
    mem.alarm = alarm;
    sync_alarm_.with({bridge}).set(alarm ? 1 : 0);
    if (alarm) result.alarms.push_back(bridge);

    const auto drift = southbound::drift(seen[i].value->running.oper, desired.bridges.at(bridge));
    // A bridge whose clock is out of sync is left alone: the installer refuses it anyway, and
    // trying would hold up the repair of bridges in the same round. One whose agent holds its
    // gates open for a lost clock restores its committed schedule by itself once the clock is
    // back; a reinstall meanwhile would write a schedule nobody changed.
    if (!drift.empty() && (alarm || h.gates_held_open)) {
      const std::string why = alarm ? "its clock is out of sync" : "its gates are held open until its clock settles";
      if (mem.last_drift != why)
        spdlog::warn("controller: {} not reinstalled while {}; it differs from the plan: {}", bridge, why,
                     joined(drift));
      mem.last_drift = why;
      result.waiting.push_back(bridge);
      continue;
    }
    if (!drift.empty()) {
      const std::string text = joined(drift);
      // A bridge with no schedule on any port has just started (or restarted): installing it is
      // the controller's normal work, not a warning.
      const auto& ports = seen[i].value->running.oper.ports;
      const bool unscheduled =
          std::none_of(ports.begin(), ports.end(), [](const auto& p) { return p.oper.has_value(); });
      if (text != mem.last_drift) {
        if (unscheduled)
          spdlog::info("controller: {} runs no schedule yet (every gate open); installing the plan", bridge);
        else
          spdlog::warn("controller: {} drifted from the plan: {}", bridge, text);
      }
      mem.last_drift = text;
      repair.bridges.emplace(bridge, desired.bridges.at(bridge));
    } else {
      mem.last_drift.clear();
    }
  }

  if (!repair.bridges.empty()) {
    southbound::InstallOptions install;
    install.lead = options_.lead;
    install.allow_unsynchronised = options_.allow_unsynchronised;
    std::vector<std::string> names;
    for (const auto& [name, c] : repair.bridges) names.push_back(name);
    try {
      const auto report = southbound::install(repair, agents_, install);
      installs_.with({"installed"}).add(0);
      last_install_seconds_.set(static_cast<double>(report.total_time.count()) / 1e9);
      for (const auto& name : names) {
        repairs_.with({name}).add(0);
        memory_[name].last_drift.clear();
      }
      result.repaired = names;
      result.transaction = report.transaction;
      last_install_error_.clear();
      spdlog::info("controller: installed plant {} on {} (transaction {}, base time {} ns, {:.1f} ms)", desired.plant,
                   joined(names), report.transaction, ns_of(report.base_time),
                   static_cast<double>(report.total_time.count()) / 1e6);
    } catch (const std::exception& e) {
      installs_.with({"failed"}).add(0);
      result.install_error = e.what();
      if (result.install_error != last_install_error_)
        spdlog::error("controller: repair of {} failed: {}", joined(names), e.what());
      last_install_error_ = result.install_error;
    }
  }
  result.converged = result.unreachable.empty() && result.waiting.empty() && result.install_error.empty();
  converged_.set(result.converged ? 1 : 0);
  return result;
}

}  // namespace takt::controller
