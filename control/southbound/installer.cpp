#include "control/southbound/installer.hpp"

#include <algorithm>
#include <memory>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "control/southbound/agent_calls.hpp"
#include "control/southbound/agent_fleet.hpp"
#include "control/southbound/parallel.hpp"

namespace takt::southbound {

namespace {

using Steady = std::chrono::steady_clock;

Nanos since(Steady::time_point t) { return std::chrono::duration_cast<Nanos>(Steady::now() - t); }

// The agents' common TAI now, estimated from their last answers: the latest of them, moved on
// by the time passed since. The base time is placed after every agent's clock.
TaiTime agents_now(const std::vector<Outcome<AgentObservation>>& before) {
  TaiTime latest{};
  for (const auto& b : before) latest = std::max(latest, b.value->health.agent_time + since(b.value->health.received));
  return latest;
}

// Problems of bridges that committed and could not be reverted come first and are counted in
// `unreverted`: those are the ones that may switch alone.
std::vector<std::string> abort_everywhere(AgentFleet& fleet, const std::string& transaction,
                                          const std::vector<bool>& committed, std::size_t* unreverted = nullptr) {
  std::vector<std::string> problems;
  std::size_t count = 0;
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
std::vector<Outcome<AgentObservation>> check_health(AgentFleet& fleet, const DesiredPlant& desired,
                                                    const InstallOptions& options, InstallReport& report) {
  const auto phase = Steady::now();
  const Nanos budget = desired.sync_budget;
  auto before = fleet.observe(budget);
  report.health_time = since(phase);
  std::vector<std::string> refusals;
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
void stage_everywhere(AgentFleet& fleet, const std::string& tx, InstallReport& report) {
  const auto phase = Steady::now();
  std::map<AgentClient*, const bridge::BridgeConfig*> config_of;
  for (std::size_t i = 0; i < fleet.clients().size(); ++i) config_of[fleet.clients()[i]] = fleet.configs()[i];
  const auto staged = on_all<bool>(fleet.io(), fleet.clients(),
                                   [tx, &config_of](AgentClient& c) { return stage(c, tx, *config_of.at(&c)); });
  report.stage_time = since(phase);
  std::vector<std::string> failures;
  for (const auto& o : staged)
    if (!o.ok()) failures.push_back(o.error);
  if (!failures.empty()) {
    const auto problems = abort_everywhere(fleet, tx, std::vector<bool>(fleet.clients().size(), false));
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
std::vector<bool> commit_everywhere(AgentFleet& fleet, const std::string& tx, TaiTime base, InstallReport& report) {
  const auto phase = Steady::now();
  const auto committed =
      on_all<bool>(fleet.io(), fleet.clients(), [tx, base](AgentClient& c) { return commit(c, tx, base); });
  report.commit_time = since(phase);
  std::vector<bool> did_commit;
  std::vector<std::string> failures;
  for (const auto& o : committed) {
    did_commit.push_back(o.ok());
    if (!o.ok()) failures.push_back(o.error);
  }
  if (!failures.empty()) {
    std::size_t unreverted = 0;
    const auto problems = abort_everywhere(fleet, tx, did_commit, &unreverted);
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
void confirm(AgentFleet& fleet, const std::string& tx, const std::vector<bool>& did_commit,
             const std::vector<Outcome<AgentObservation>>& before, const InstallOptions& options,
             InstallReport& report) {
  const auto phase = Steady::now();
  const TaiTime base = report.base_time;
  auto wrong = not_running(fleet, false);
  if (!wrong.empty()) {
    const auto problems = abort_everywhere(fleet, tx, did_commit);
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

  const auto before = check_health(fleet, desired, options, report);
  say(fmt::format("clock health checked on {} bridges in {}", fleet.clients().size(),
                  readable_duration(report.health_time)));

  stage_everywhere(fleet, tx, report);
  say(fmt::format("staged transaction {} on {} bridges in {}", tx, fleet.clients().size(),
                  readable_duration(report.stage_time)));

  // 3. One base time, after every agent's clock.
  report.base_time = pick_base_time(agents_now(before), options.lead, desired.hyperperiod);
  const auto did_commit = commit_everywhere(fleet, tx, report.base_time, report);
  say(fmt::format("committed on {} bridges in {}; base time {} ns (TAI)", fleet.clients().size(),
                  readable_duration(report.commit_time), ns_of(report.base_time)));

  confirm(fleet, tx, did_commit, before, options, report);
  report.total_time = since(t0);
  say(fmt::format("confirmed on {} bridges in {}", fleet.clients().size(), readable_duration(report.confirm_time)));
  return report;
}

}  // namespace takt::southbound
