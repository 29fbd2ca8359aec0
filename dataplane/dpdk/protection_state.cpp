#include "dataplane/dpdk/protection_state.hpp"

#include <algorithm>

namespace takt::dpdk {

ProtectionState::ProtectionState(std::size_t stream_count, std::size_t port_count)
    : stream_count_(stream_count),
      port_count_(port_count),
      filter_counters_((stream_count + 1) * port_count),
      generation_(stream_count, 0),
      recoveries_(stream_count),
      frer_counters_(stream_count),
      latent_errors_(stream_count, 0),
      pending_publish_(stream_count, 0) {
  unpublished_.reserve(stream_count);
}

// The scraper reads these without locks: each counter is written once per frame with its final
// value, never lowered on the way.
void ProtectionState::publish(std::size_t stream) {
  const auto& r = recoveries_[stream];
  if (!r) return;
  SequenceRecoveryCounters total = r->base;
  total += r->compound.counters();
  frer_counters_[stream].recovery = total;
  latent_errors_[stream] = r->compound.latent_error() ? 1 : 0;
}

void ProtectionState::sync(const ProtectionSchedule& schedule, TaiTime now) {
  std::vector<StreamFilter> filters;
  filters.reserve(schedule.filter_configs.size());
  for (const auto& c : schedule.filter_configs) {
    // A filter whose configuration did not change keeps its meter's tokens and blocked flags.
    const StreamFilter* same = nullptr;
    for (const auto& old : filters_)
      if (old.config() == c) {
        same = &old;
        break;
      }
    filters.push_back(same ? *same : StreamFilter(c, now));
  }
  filters_ = std::move(filters);
  gate_cache_.assign(filters_.size(), GateCache{});
  recovering_.clear();
  for (std::size_t h = 0; h < stream_count_ && h < schedule.roles.size(); ++h) {
    auto& r = recoveries_[h];
    if (schedule.roles[h] != FrerRole::recover) {
      // Keep the counters, drop the state: the stream is no longer recovered here.
      if (r) publish(h);
      latent_errors_[h] = 0;
      r.reset();
      continue;
    }
    recovering_.push_back(h);
    const SequenceRecoveryConfig& c = schedule.recovery[h];
    const bool individual = schedule.individual_recovery[h];
    if (r && r->config == c && r->individual.empty() != individual) continue;
    SequenceRecoveryCounters base = r ? r->base : SequenceRecoveryCounters{};
    if (r) base += r->compound.counters();
    std::vector<SequenceRecovery> members;
    if (individual) {
      SequenceRecoveryConfig m = c;
      m.algorithm = RecoveryAlgorithm::match;
      m.latent.enabled = false;
      members.assign(port_count_, SequenceRecovery(m, now));
    }
    r.emplace(Recovery{c, SequenceRecovery(c, now), std::move(members), base});
  }
}

ProtectionState::Policing ProtectionState::policing(const ProtectionSchedule& schedule, StreamHandle stream,
                                                    std::size_t port, std::uint8_t pcp, TaiTime now,
                                                    TaiTime earliest_arrival) {
  const std::int32_t f = schedule.filter_for(stream, port, pcp);
  if (f < 0 || static_cast<std::size_t>(f) >= filters_.size()) return {};
  const std::size_t row =
      stream < stream_count_ && schedule.filters[static_cast<std::size_t>(f)].stream != bridge::kWildcardStream
          ? stream
          : stream_count_;
  return {f, row * port_count_ + port, gate_open(schedule, f, earliest_arrival, now), schedule.table.ipv(f)};
}

bool ProtectionState::gate_open(const ProtectionSchedule& schedule, std::int32_t filter, TaiTime from, TaiTime now) {
  const auto& gate = schedule.gates[static_cast<std::size_t>(filter)];
  if (!gate) return true;
  from = std::min(std::max(from, schedule.written_at), now);  // not clamp: written_at may follow now
  GateCache& c = gate_cache_[static_cast<std::size_t>(filter)];
  if (from >= c.from && now < c.until) return c.open;
  const GateSpan span = gate->gate_span(from);
  if (now < span.end) {
    c = {from, span.end, (span.states & 1U) != 0};
    return c.open;
  }
  return schedule.gate_open_during(filter, from, now);
}

void ProtectionState::tick(TaiTime now) {
  for (std::size_t h : recovering_) {
    auto& r = recoveries_[h];
    r->compound.tick(now);
    publish(h);
  }
}

void ProtectionState::host_stalled(Nanos stalled) {
  for (std::size_t h : recovering_) {
    auto& r = recoveries_[h];
    r->compound.host_stalled(stalled);
    for (auto& individual : r->individual) individual.host_stalled(stalled);
  }
}

bool ProtectionState::latent_error(std::size_t stream) const {
  return stream < latent_errors_.size() && latent_errors_[stream] != 0;
}

}  // namespace takt::dpdk
