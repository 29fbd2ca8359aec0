#include "dataplane/agent/config_store.hpp"

#include <map>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "dataplane/agent/api_error.hpp"

namespace takt::agent {

const char* to_string(AbortOutcome outcome) {
  switch (outcome) {
    case AbortOutcome::nothing_to_abort:
      return "nothing-to-abort";
    case AbortOutcome::staged_dropped:
      return "staged-dropped";
    case AbortOutcome::commit_reverted:
      return "commit-reverted";
  }
  return "unknown";
}

ConfigStore::ConfigStore(BridgeRuntime& runtime, StoreOptions options) : runtime_(runtime), options_(options) {}

void ConfigStore::check_fits(const bridge::BridgeConfig& config) const {
  std::map<std::string, PortCapabilities> caps;
  for (auto& c : runtime_.ports()) caps.emplace(c.port, c);
  for (const auto& port : config.ports) {
    auto it = caps.find(port.name);
    if (it == caps.end()) {
      std::string known;
      for (const auto& [name, c] : caps) known += (known.empty() ? "" : ", ") + name;
      throw ApiError(400, fmt::format("port \"{}\" does not exist on this bridge (ports: {})", port.name, known));
    }
    const PortCapabilities& c = it->second;
    if (!port.gates.gate_enabled) continue;
    const std::string& name = port.name;
    GateControlList list;
    try {
      list = bridge::gate_control_list(port.gates);
    } catch (const std::exception& e) {
      throw ApiError(400, fmt::format("port \"{}\": {}", name, e.what()));
    }
    if (list.entries.size() > c.supported_list_max)
      throw ApiError(400, fmt::format("port \"{}\": {} gate control entries, supported-list-max is {}", name,
                                      list.entries.size(), c.supported_list_max));
    if (list.cycle_time > c.supported_cycle_max)
      throw ApiError(400, fmt::format("port \"{}\": admin-cycle-time {} ns exceeds supported-cycle-max {} ns", name,
                                      list.cycle_time.count(), c.supported_cycle_max.count()));
    // tick-granularity is in tenths of ns; intervals are whole ns, so only ticks of whole ns constrain.
    const std::int64_t tick_ns = c.tick_granularity % 10 == 0 ? c.tick_granularity / 10 : 1;
    for (std::size_t i = 0; i < list.entries.size(); ++i) {
      const auto& e = list.entries[i];
      if (e.time_interval.count() > c.supported_interval_max)
        throw ApiError(
            400, fmt::format("port \"{}\" entry {}: time-interval-value {} exceeds supported-interval-max {}", name, i,
                             e.time_interval.count(), c.supported_interval_max));
      if (tick_ns > 1 && e.time_interval.count() % tick_ns != 0)
        throw ApiError(400, fmt::format("port \"{}\" entry {}: time-interval-value {} ns is not a multiple of the "
                                        "port's tick granularity {} ns",
                                        name, i, e.time_interval.count(), tick_ns));
    }
  }
}

void ConfigStore::stage(const std::string& transaction, bridge::BridgeConfig config) {
  if (transaction.empty()) throw ApiError(400, "a transaction id is required to stage");
  check_fits(config);
  std::lock_guard lock(mutex_);
  const TaiTime now = runtime_.now();
  if (staged_ && staged_->transaction != transaction && now - staged_->staged_at < options_.reservation_timeout)
    throw ApiError(409, fmt::format("bridge is reserved by transaction {} staged {} ago; it is released by its "
                                    "commit or abort, or after {}",
                                    staged_->transaction, readable_duration(now - staged_->staged_at),
                                    readable_duration(options_.reservation_timeout)));
  staged_ = StagedConfig{transaction, std::move(config), now};
}

CommittedConfig ConfigStore::commit(const std::string& transaction, TaiTime base_time) {
  std::lock_guard lock(mutex_);
  if (!staged_) throw ApiError(409, fmt::format("nothing is staged for transaction {}; stage first", transaction));
  if (staged_->transaction != transaction)
    throw ApiError(409, fmt::format("transaction {} is staged, not {}", staged_->transaction, transaction));
  const TaiTime now = runtime_.now();
  if (base_time - now < options_.min_commit_lead)
    throw ApiError(409, fmt::format("base time {} ns is {} from now; a commit needs it at least {} in the future",
                                    ns_of(base_time), readable_duration(base_time - now),
                                    readable_duration(options_.min_commit_lead)));
  CommittedConfig next{transaction, staged_->config, base_time, now};
  // Port gates and stream gates change together, at one base time.
  for (auto* g : bridge::gate_tables(next.config)) g->admin_base_time = bridge::ptp_time(base_time);
  try {
    runtime_.apply(next.config);
  } catch (const std::exception& e) {
    // The runtime applies all or nothing, so the old schedule still runs; the reservation
    // stays so the installer can abort it explicitly.
    throw ApiError(500, fmt::format("the bridge refused the commit, nothing changed: {}", e.what()));
  }
  previous_ = std::move(committed_);
  committed_ = next;
  staged_.reset();
  return next;
}

AbortOutcome ConfigStore::abort(const std::string& transaction) {
  std::lock_guard lock(mutex_);
  if (staged_ && (transaction.empty() || staged_->transaction == transaction)) {
    staged_.reset();
    return AbortOutcome::staged_dropped;
  }
  if (!committed_ || transaction.empty() || committed_->transaction != transaction)
    return AbortOutcome::nothing_to_abort;

  const TaiTime now = runtime_.now();
  if (now >= committed_->base_time)
    throw ApiError(
        409, fmt::format("transaction {} is already in force (since base time {} ns, {} ago); install the "
                         "previous plan again instead",
                         transaction, ns_of(committed_->base_time), readable_duration(now - committed_->base_time)));
  // Revert: the previous config again, plus every port the aborted one touched but the
  // previous did not, back to no schedule. Each previous list restarts at its own next cycle
  // boundary, so its phase is kept and the gates see no change at all (and no base time in the
  // past counts as a ConfigChangeError).
  bridge::BridgeConfig revert =
      previous_ ? previous_->config : bridge::BridgeConfig{committed_->config.bridge, {}, {}, {}};
  for (auto* g : bridge::gate_tables(revert)) {
    if (!g->gate_enabled) continue;
    const Nanos cycle = bridge::to_nanos(g->admin_cycle_time);
    const TaiTime base = bridge::to_tai(g->admin_base_time);
    if (cycle.count() <= 0 || base > now) continue;
    const std::int64_t cycles = ceil_div((now - base).count() + 1, cycle.count());
    g->admin_base_time = bridge::ptp_time(base + cycle * cycles);
  }
  for (const auto& p : committed_->config.ports) {
    if (revert.port_index(p.name)) continue;
    bridge::BridgePort off;
    off.name = p.name;
    off.gates.gate_enabled = false;
    revert.ports.push_back(off);
  }
  try {
    runtime_.apply(revert);
  } catch (const std::exception& e) {
    throw ApiError(500, fmt::format("could not revert transaction {}: {}", transaction, e.what()));
  }
  committed_ = std::move(previous_);
  previous_.reset();
  return AbortOutcome::commit_reverted;
}

std::optional<StagedConfig> ConfigStore::staged() const {
  std::lock_guard lock(mutex_);
  return staged_;
}

std::optional<CommittedConfig> ConfigStore::committed() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

}  // namespace takt::agent
