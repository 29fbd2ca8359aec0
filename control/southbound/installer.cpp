#include "control/southbound/installer.hpp"

#include <algorithm>
#include <future>
#include <memory>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "control/southbound/agent_calls.hpp"
#include "control/southbound/agent_fleet.hpp"
#include "control/southbound/netconf_fleet.hpp"
#include "control/southbound/remote_clock.hpp"
#include "control/southbound/parallel.hpp"
#include "ptp/host_tai_clock.hpp"

namespace takt::southbound {

namespace {

using Steady = std::chrono::steady_clock;

Nanos since(Steady::time_point t) { return std::chrono::duration_cast<Nanos>(Steady::now() - t); }

// The agents' common TAI now, estimated from their last answers: the latest of them, moved on
// by the time passed since. The base time is placed after every agent's clock.
TaiTime agents_now(const std::vector<Outcome<AgentObservation>>& before) {
  if (before.empty()) {
    // Only NETCONF bridges: they keep their own PTP time; this host's TAI stands in (37 s UTC
    // offset where the kernel has none, as ptp4l announces it).
    return ptp::host_timescale(std::chrono::seconds(37)).from_clock_tai(ptp::read_clock_tai());
  }
  TaiTime latest{};
  for (const auto& b : before) latest = std::max(latest, b.value->health.agent_time + since(b.value->health.received));
  return latest;
}

// Problems of bridges that committed and could not be reverted come first and are counted in
// `unreverted`: those are the ones that may switch alone.
std::vector<std::string> abort_everywhere(AgentFleet& fleet, NetconfFleet& netconf, const std::string& transaction,
                                          const std::vector<bool>& committed, std::size_t* unreverted = nullptr) {
  std::vector<std::string> problems;
  std::size_t count = 0;
  // NETCONF bridges: cancel-commit (or discard the candidate). One whose cancel is lost still
  // reverts by itself when its confirmed commit times out.
  const auto netconf_errors = netconf.each([&](std::size_t, NetconfBridge& b) { b.abort(transaction); });
  // Each names its bridge and what that bridge is left with (netconf_bridge.hpp).
  for (const auto& e : netconf_errors)
    if (!e.empty()) problems.push_back(e);
  const auto out =
      on_all<std::string>(fleet.io(), fleet.clients(), [transaction](AgentClient& c) { return abort(c, transaction); });
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].ok()) continue;
    if (committed[i]) {
      problems.insert(problems.begin() + static_cast<std::ptrdiff_t>(count++),
                      fmt::format("{} committed and could not be reverted, it may switch to the new schedule: {}",
                                  fleet.clients()[i]->endpoint().bridge, out[i].error));
    } else {
      problems.push_back(fmt::format("{}: abort not confirmed ({}); its staged config expires with its reservation",
                                     fleet.clients()[i]->endpoint().bridge, out[i].error));
    }
  }
  if (unreverted) *unreverted = count;
  return problems;
}

}  // namespace

std::string new_transaction_id() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<std::uint64_t>(Steady::now().time_since_epoch().count()));
  return fmt::format("{:016x}", rng());
}

TaiTime pick_base_time(TaiTime now, Nanos lead, Nanos hyperperiod) {
  const std::int64_t earliest = ns_of(now + lead);
  if (hyperperiod.count() <= 0) return tai_ns(earliest);
  return tai_ns(ceil_div(earliest, hyperperiod.count()) * hyperperiod.count());
}

namespace {

// Runs `step` on the NETCONF bridges on their own threads while `agents` runs the agents' part
// on this one; returns the NETCONF errors (non-empty ones only).
template <class AgentsPart>
std::vector<std::string> beside_agents(NetconfFleet& netconf,
                                       const std::function<void(std::size_t, NetconfBridge&)>& step,
                                       AgentsPart&& agents) {
  auto pending = std::async(std::launch::async, [&] { return netconf.each(step); });
  agents();
  std::vector<std::string> errors;
  for (auto& e : pending.get())
    if (!e.empty()) errors.push_back(std::move(e));
  return errors;
}

// Throws InstallError, installing nothing, when a bridge of the plant has no agent configured
// or its client cannot be set up.
void require_every_agent(const AgentFleet& fleet) {
  std::vector<std::string> missing;
  for (const auto& u : fleet.unconnected()) {
    if (!u.error.empty()) throw InstallError(u.error, {u.error});
    missing.push_back(u.bridge);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw InstallError(fmt::format("no agent is configured for bridge(s) {}; add them to the agents file. Nothing was "
                                   "installed.",
                                   list),
                       missing);
  }
}

// 1. Clock health and what runs now, everywhere. Refuses (throws InstallError, nothing
// changed) when an agent does not answer or its clock is not fit for the plan; records each
// bridge's health line and the ports that will change.
std::vector<Outcome<AgentObservation>> check_health(AgentFleet& fleet, NetconfFleet& netconf,
                                                    const DesiredPlant& desired, const InstallOptions& options,
                                                    InstallReport& report) {
  const auto phase = Steady::now();
  const Nanos budget = desired.sync_budget;
  std::vector<Outcome<AgentObservation>> before;
  std::vector<std::string> netconf_health(netconf.size());
  std::vector<RemoteClock> netconf_clocks(netconf.size());
  std::vector<std::string> refusals = beside_agents(
      netconf,
      [&](std::size_t i, NetconfBridge& b) {
        netconf_health[i] = b.check();
        netconf_clocks[i] = read_remote_clock(b.endpoint(), budget);
      },
      [&] { before = fleet.observe(budget); });
  report.health_time = since(phase);
  for (std::size_t i = 0; i < netconf.size(); ++i) {
    if (netconf_health[i].empty()) continue;  // refused above
    const std::string& bridge = netconf.bridges()[i]->endpoint().bridge;
    const RemoteClock& clock = netconf_clocks[i];
    report.health.push_back(fmt::format("{}: {}; {}{}", bridge, netconf_health[i],
                                        clock.read && !clock.synchronised ? "unsynchronised: " : "", clock.reason));
    const auto& c = netconf.bridges()[i]->port_changes();
    report.changes.insert(report.changes.end(), c.begin(), c.end());
    if (options.allow_unsynchronised) continue;
    // Without the bridge's clock state the install cannot be judged safe, as for an agent
    // without clock health.
    if (!clock.read)
      refusals.push_back(
          fmt::format("{}: {} (give agents.yaml its ptp-clock, or use --allow-unsynchronised only for "
                      "development)",
                      bridge, clock.reason));
    else if (!clock.synchronised)
      refusals.push_back(fmt::format("{}: clock not synchronised within the plan's sync budget {}: {}", bridge,
                                     readable_duration(budget), clock.reason));
  }
  for (std::size_t i = 0; i < before.size(); ++i) {
    const std::string& bridge = fleet.clients()[i]->endpoint().bridge;
    if (!before[i].ok()) {
      refusals.push_back(before[i].error);
      continue;
    }
    const AgentHealth& h = before[i].value->health;
    if (!h.has_clock_health) {
      report.health.push_back(fmt::format("{}: {}", bridge, h.reason));
      if (!options.allow_unsynchronised)
        refusals.push_back(fmt::format("{}: {} (use --allow-unsynchronised only for development)", bridge, h.reason));
    } else if (!h.synchronised) {
      report.health.push_back(fmt::format("{}: unsynchronised: {}", bridge, h.reason));
      if (!options.allow_unsynchronised)
        refusals.push_back(fmt::format("{}: clock not synchronised within the plan's sync budget {}: {}", bridge,
                                       readable_duration(budget), h.reason));
    } else {
      report.health.push_back(fmt::format("{}: synchronised: {}", bridge, h.reason));
    }
  }
  if (!refusals.empty()) {
    std::string text = "refusing to install; nothing was changed:";
    for (const auto& r : refusals) text += "\n  " + r;
    throw InstallError(text, refusals);
  }
  for (std::size_t i = 0; i < before.size(); ++i) {
    auto c = changes(fleet.clients()[i]->endpoint().bridge, before[i].value->running.oper, *fleet.configs()[i]);
    report.changes.insert(report.changes.end(), c.begin(), c.end());
  }
  return before;
}

// 2. Stage everywhere. On any failure aborts everywhere and throws InstallError.
void stage_everywhere(AgentFleet& fleet, NetconfFleet& netconf, const std::string& tx, InstallReport& report) {
  const auto phase = Steady::now();
  std::map<AgentClient*, const bridge::BridgeConfig*> config_of;
  for (std::size_t i = 0; i < fleet.clients().size(); ++i) config_of[fleet.clients()[i]] = fleet.configs()[i];
  std::vector<Outcome<bool>> staged;
  std::vector<std::string> failures = beside_agents(
      netconf, [](std::size_t, NetconfBridge& b) { b.stage(); },
      [&] {
        staged = on_all<bool>(fleet.io(), fleet.clients(),
                              [tx, &config_of](AgentClient& c) { return stage(c, tx, *config_of.at(&c)); });
      });
  report.stage_time = since(phase);
  for (const auto& o : staged)
    if (!o.ok()) failures.push_back(o.error);
  if (!failures.empty()) {
    const auto problems = abort_everywhere(fleet, netconf, tx, std::vector<bool>(fleet.clients().size(), false));
    std::string text =
        fmt::format("staging failed, transaction {} aborted on every bridge; all keep their old schedule:", tx);
    for (const auto& f : failures) text += "\n  " + f;
    for (const auto& p : problems) text += "\n  " + p;
    failures.insert(failures.end(), problems.begin(), problems.end());
    throw InstallError(text, failures);
  }
}

// 4. Commit everywhere at `base`. Returns which agents committed; on any failure reverts
// everywhere and throws InstallError.
std::vector<bool> commit_everywhere(AgentFleet& fleet, NetconfFleet& netconf, const std::string& tx, TaiTime base,
                                    const InstallOptions& options, InstallReport& report) {
  const auto phase = Steady::now();
  std::vector<Outcome<bool>> committed;
  const auto timeout = static_cast<unsigned>(options.netconf_confirm_timeout.count());
  std::vector<std::string> failures = beside_agents(
      netconf, [&](std::size_t, NetconfBridge& b) { b.commit(base, tx, timeout); },
      [&] {
        committed =
            on_all<bool>(fleet.io(), fleet.clients(), [tx, base](AgentClient& c) { return commit(c, tx, base); });
      });
  report.commit_time = since(phase);
  std::vector<bool> did_commit;
  for (const auto& o : committed) {
    did_commit.push_back(o.ok());
    if (!o.ok()) failures.push_back(o.error);
  }
  if (!failures.empty()) {
    std::size_t unreverted = 0;
    const auto problems = abort_everywhere(fleet, netconf, tx, did_commit, &unreverted);
    std::string text = fmt::format(
        "commit failed, transaction {} reverted on every bridge before its base time; all "
        "keep their old schedule:",
        tx);
    if (unreverted > 0)
      text = fmt::format("commit failed and transaction {} could not be reverted on {} bridge(s):", tx, unreverted);
    for (const auto& f : failures) text += "\n  " + f;
    for (const auto& p : problems) text += "\n  " + p;
    failures.insert(failures.end(), problems.begin(), problems.end());
    throw InstallError(text, failures);
  }
  return did_commit;
}

// What keeps the bridges from running the committed configuration: drift from it and, after
// the base time, ports whose change is still pending. Empty when all run it.
std::vector<std::string> not_running(AgentFleet& fleet, bool after_base) {
  const auto running =
      on_all<RunningState>(fleet.io(), fleet.clients(), [](AgentClient& c) { return read_running(c); });
  std::vector<std::string> wrong;
  for (std::size_t i = 0; i < running.size(); ++i) {
    const std::string& bridge = fleet.clients()[i]->endpoint().bridge;
    if (!running[i].ok()) {
      wrong.push_back(running[i].error);
      continue;
    }
    for (const auto& d : drift(running[i].value->oper, *fleet.configs()[i])) wrong.push_back(bridge + ": " + d);
    if (after_base)
      for (const auto& p : running[i].value->oper.ports)
        if (p.config_pending)
          wrong.push_back(fmt::format("{}: port {} still has its change pending after the base time", bridge, p.port));
  }
  return wrong;
}

// 5. Confirm: the new schedule is pending (or already oper) everywhere, else revert everywhere;
// then, if asked, after the base time oper everywhere. Throws InstallError.
void confirm(AgentFleet& fleet, NetconfFleet& netconf, const std::string& tx, const std::vector<bool>& did_commit,
             const std::vector<Outcome<AgentObservation>>& before, const InstallOptions& options,
             InstallReport& report) {
  const auto phase = Steady::now();
  const TaiTime base = report.base_time;
  std::vector<std::vector<std::string>> netconf_drift(netconf.size());
  std::vector<std::string> wrong;
  auto read_back_errors = beside_agents(
      netconf, [&](std::size_t i, NetconfBridge& b) { netconf_drift[i] = b.verify(); },
      [&] { wrong = not_running(fleet, false); });
  wrong.insert(wrong.end(), read_back_errors.begin(), read_back_errors.end());
  for (const auto& d : netconf_drift) wrong.insert(wrong.end(), d.begin(), d.end());
  if (wrong.empty()) {
    // Every bridge holds the new configuration: the NETCONF bridges' confirming commits. One
    // that fails reverts by itself at its timeout, so the others are reverted too.
    const auto confirm_errors = netconf.each([&](std::size_t, NetconfBridge& b) { b.confirm(tx); });
    for (const auto& e : confirm_errors)
      if (!e.empty()) wrong.push_back(e);
  }
  if (!wrong.empty()) {
    const auto problems = abort_everywhere(fleet, netconf, tx, did_commit);
    std::string text = fmt::format(
        "the bridges do not all report the committed schedule; transaction {} reverted on "
        "every bridge before its base time:",
        tx);
    for (const auto& w : wrong) text += "\n  " + w;
    for (const auto& p : problems) text += "\n  " + p;
    throw InstallError(text, wrong);
  }
  if (options.wait_for_oper) {
    const TaiTime now = agents_now(before);
    if (base > now) std::this_thread::sleep_for(base - now + std::chrono::milliseconds(20));
    wrong = not_running(fleet, true);
    if (!wrong.empty()) {
      std::string text = fmt::format("after base time {} ns, not every bridge runs transaction {}:", ns_of(base), tx);
      for (const auto& w : wrong) text += "\n  " + w;
      throw InstallError(text, wrong);
    }
  }
  report.confirm_time = since(phase);
}

}  // namespace

InstallReport install(const DesiredPlant& desired, const std::vector<AgentEndpoint>& agents,
                      const InstallOptions& options) {
  const auto t0 = Steady::now();
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  InstallReport report;
  report.transaction = new_transaction_id();
  const std::string tx = report.transaction;

  AgentFleet fleet(desired, agents);
  require_every_agent(fleet);
  std::unique_ptr<NetconfFleet> netconf_fleet;
  try {
    netconf_fleet = std::make_unique<NetconfFleet>(desired, agents, options.netconf_sessions);
  } catch (const NetconfError& e) {
    throw InstallError(fmt::format("{}; nothing was installed", e.what()), {e.what()});
  }
  NetconfFleet& netconf = *netconf_fleet;
  const std::size_t bridges = fleet.clients().size() + netconf.size();

  const auto before = check_health(fleet, netconf, desired, options, report);
  say(fmt::format("clock health checked on {} bridges in {}", bridges, readable_duration(report.health_time)));

  stage_everywhere(fleet, netconf, tx, report);
  say(fmt::format("staged transaction {} on {} bridges in {}", tx, bridges, readable_duration(report.stage_time)));
  if (options.hold_before_commit.count() > 0) {
    say(fmt::format("holding transaction {} staged for {} before commit", tx,
                    readable_duration(options.hold_before_commit)));
    std::this_thread::sleep_for(options.hold_before_commit);
  }

  // 3. One base time, after every agent's clock.
  report.base_time = pick_base_time(agents_now(before), options.lead, desired.hyperperiod);
  const auto did_commit = commit_everywhere(fleet, netconf, tx, report.base_time, options, report);
  say(fmt::format("committed on {} bridges in {}; base time {} ns (TAI)", bridges,
                  readable_duration(report.commit_time), ns_of(report.base_time)));

  confirm(fleet, netconf, tx, did_commit, before, options, report);
  report.total_time = since(t0);
  say(fmt::format("confirmed on {} bridges in {}", bridges, readable_duration(report.confirm_time)));
  return report;
}

}  // namespace takt::southbound
