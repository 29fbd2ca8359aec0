#include "control/controller/reconciler.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "control/southbound/agent_fleet.hpp"
#include "control/southbound/netconf_fleet.hpp"
#include "control/southbound/remote_clock.hpp"
#include "control/southbound/schedule_diff.hpp"

namespace takt::controller {

namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

// A drift report for the log: a bridge that lost its whole schedule differs in every leaf.
std::string summary(const std::vector<std::string>& lines) {
  constexpr std::size_t shown = 5;
  if (lines.size() <= shown) return joined(lines);
  return joined({lines.begin(), lines.begin() + shown}) + fmt::format("; and {} more", lines.size() - shown);
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

bool Reconciler::answered(const std::string& bridge, const std::string& error, RoundResult& result) {
  BridgeMemory& mem = memory_[bridge];
  if (!error.empty()) {
    if (mem.up) spdlog::warn("controller: {} unreachable: {}", bridge, error);
    mem.up = false;
    agent_up_.with({bridge}).set(0);
    result.unreachable.push_back(bridge);
    return false;
  }
  if (!mem.up) spdlog::info("controller: {} answers again", bridge);
  mem.up = true;
  agent_up_.with({bridge}).set(1);
  return true;
}

void Reconciler::judge_clock(const std::string& bridge, bool alarm, const std::string& reason, RoundResult& result) {
  BridgeMemory& mem = memory_[bridge];
  if (alarm && !mem.alarm) {
    spdlog::error("controller: ALARM sync loss on {}: {}", bridge, reason);
    sync_losses_.with({bridge}).add(0);
  } else if (!alarm && mem.alarm) {
    spdlog::info("controller: {} clock back within budget: {}", bridge, reason);
  }
  mem.alarm = alarm;
  sync_alarm_.with({bridge}).set(alarm ? 1 : 0);
  if (alarm) result.alarms.push_back(bridge);
}

void Reconciler::judge_drift(const std::string& bridge, const std::vector<std::string>& drift, bool alarm,
                             bool gates_held_open, bool unscheduled, RoundResult& result,
                             southbound::DesiredPlant& repair) {
  BridgeMemory& mem = memory_[bridge];
  // A bridge whose clock is out of sync is left alone: the installer refuses it anyway, and
  // trying would hold up the repair of bridges in the same round. One whose agent holds its
  // gates open for a lost clock restores its committed schedule by itself once the clock is
  // back; a reinstall meanwhile would write a schedule nobody changed.
  if (!drift.empty() && (alarm || gates_held_open)) {
    const std::string why = alarm ? "its clock is out of sync" : "its gates are held open until its clock settles";
    if (mem.last_drift != why)
      spdlog::warn("controller: {} not reinstalled while {}; it differs from the plan: {}", bridge, why,
                   summary(drift));
    mem.last_drift = why;
    result.waiting.push_back(bridge);
    return;
  }
  if (drift.empty()) {
    mem.last_drift.clear();
    return;
  }
  const std::string text = summary(drift);
  if (text != mem.last_drift) {
    // Installing a bridge that has just (re)started is the controller's normal work, not a warning.
    if (unscheduled)
      spdlog::info("controller: {} runs no schedule yet (every gate open); installing the plan", bridge);
    else
      spdlog::warn("controller: {} drifted from the plan: {}", bridge, text);
  }
  mem.last_drift = text;
  repair.bridges.emplace(bridge, desired_->bridges.at(bridge));
}

void Reconciler::observe_netconf(const southbound::DesiredPlant& desired, RoundResult& result,
                                 southbound::DesiredPlant& repair) {
  // Each NETCONF bridge's running configuration, read with get-config on the session kept from
  // the last round, compared leaf by leaf with the plan. The fleet gives the sessions back to
  // the pool before any repair takes them again.
  std::unique_ptr<southbound::NetconfFleet> netconf;
  try {
    netconf = std::make_unique<southbound::NetconfFleet>(desired, agents_, &netconf_sessions_);
  } catch (const southbound::NetconfError& e) {
    if (last_install_error_ != e.what()) spdlog::error("controller: {}", e.what());
    last_install_error_ = e.what();
    result.install_error = e.what();
    return;
  }
  std::vector<std::vector<std::string>> drifts(netconf->size());
  std::vector<southbound::RemoteClock> clocks(netconf->size());
  const auto errors = netconf->each([&](std::size_t i, southbound::NetconfBridge& b) {
    clocks[i] = southbound::read_remote_clock(b.endpoint(), desired.sync_budget);
    drifts[i] = b.drift(desired.hyperperiod);
  });
  for (std::size_t i = 0; i < netconf->size(); ++i) {
    const std::string& bridge = netconf->bridges()[i]->endpoint().bridge;
    if (!answered(bridge, errors[i], result)) continue;
    // A clock takt is not told how to read is judged as a takt agent without clock health.
    const bool alarm = clocks[i].read ? !clocks[i].synchronised : !options_.allow_unsynchronised;
    judge_clock(bridge, alarm, clocks[i].reason, result);
    judge_drift(bridge, drifts[i], alarm, false, false, result, repair);
  }
}

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
    if (!answered(bridge, seen[i].ok() ? "" : seen[i].error, result)) continue;
    const auto& h = seen[i].value->health;
    const bool alarm = h.has_clock_health ? !h.synchronised : !options_.allow_unsynchronised;
    judge_clock(bridge, alarm, h.reason, result);
    const auto& ports = seen[i].value->running.oper.ports;
    // A bridge with no schedule on any port has just started (or restarted).
    const bool unscheduled = std::none_of(ports.begin(), ports.end(), [](const auto& p) { return p.oper.has_value(); });
    judge_drift(bridge, southbound::drift(seen[i].value->running.oper, desired.bridges.at(bridge)), alarm,
                h.gates_held_open, unscheduled, result, repair);
  }
  observe_netconf(desired, result, repair);

  if (!repair.bridges.empty()) {
    southbound::InstallOptions install;
    install.lead = options_.lead;
    install.allow_unsynchronised = options_.allow_unsynchronised;
    std::vector<std::string> names;
    for (const auto& [name, c] : repair.bridges) names.push_back(name);
    try {
      install.netconf_sessions = &netconf_sessions_;
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
