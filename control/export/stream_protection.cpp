#include "control/export/stream_protection.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "dataplane/core/r_tag.hpp"
#include "dataplane/core/wire.hpp"

namespace takt::exporter {

namespace {

int trees_using(const schedule::StreamPlan& s, int hop) {
  int n = 0;
  for (const auto& t : s.trees)
    if (std::find(t.begin(), t.end(), hop) != t.end()) ++n;
  return n;
}

bool is_bridge(const model::Plant& plant, const std::string& node) {
  const model::Node* n = plant.find_node(node);
  return n && n->kind == model::NodeKind::bridge;
}

// The bridge that numbers a redundant stream: the far end of the access link both trees share.
std::string generating_bridge(const schedule::StreamPlan& s, const model::Plant& plant) {
  if (s.trees.size() < 2) return {};
  for (std::size_t h = 0; h < s.hops.size(); ++h)
    if (s.hops[h].upstream.empty() && trees_using(s, static_cast<int>(h)) >= 2 &&
        is_bridge(plant, s.hops[h].ingress.node))
      return s.hops[h].ingress.node;
  return {};
}

// The hop whose transmitter recovers: it has two upstream hops (the trees meet).
bool is_recovering_hop(const schedule::Hop& hop) { return hop.upstream.size() >= 2; }

// The internal priority value (802.1Qci IPV) the plan has `bridge` give the stream's frames: that
// of the hops it transmits (one value per bridge), none where they keep their own priority.
std::optional<std::uint8_t> internal_priority(const schedule::StreamPlan& s, const std::string& bridge) {
  for (const auto& hop : s.hops)
    if (hop.egress.node == bridge && hop.internal_priority >= 0 && hop.internal_priority <= 7)
      return static_cast<std::uint8_t>(hop.internal_priority);
  return std::nullopt;
}

// A gate that never closes: where only an IPV needs a gate to be said.
bridge::StreamGate always_open_gate(TaiTime base) {
  bridge::StreamGate g;
  g.schedule.gate_enabled = false;
  g.schedule.admin_gate_states = 1;
  g.schedule.admin_base_time = bridge::ptp_time(base);
  return g;
}

bridge::GateParameterTable stream_gate_schedule(Nanos open_from, Nanos open_until, Nanos interval, TaiTime base) {
  bridge::GateParameterTable t;
  t.admin_base_time = bridge::ptp_time(base);
  t.admin_cycle_time = bridge::rational_seconds(interval);
  t.admin_gate_states = 0;
  const Nanos width = open_until - open_from;
  if (width >= interval) {  // arrivals may come at any time of the interval: the gate stays open
    t.gate_enabled = false;
    t.admin_gate_states = 1;
    return t;
  }
  t.gate_enabled = true;
  const Nanos start = ((open_from % interval) + interval) % interval;
  const Nanos end = start + width;
  std::vector<std::pair<bool, Nanos>> spans;  // (open, duration) from the cycle start
  if (end <= interval) {
    spans = {{false, start}, {true, width}, {false, interval - end}};
  } else {  // the window runs past the interval end: open at the cycle start too
    spans = {{true, end - interval}, {false, start - (end - interval)}, {true, interval - start}};
  }
  std::uint32_t index = 0;
  for (const auto& [open, duration] : spans) {
    if (duration <= Nanos{0}) continue;
    t.admin_control_list.push_back({index++, bridge::kSetGateAndIpv, static_cast<std::uint32_t>(duration.count()),
                                    static_cast<std::uint8_t>(open)});
  }
  return t;
}

}  // namespace

FlowMeterConfig stream_flow_meter(const schedule::StreamPlan& s, std::int64_t frame_bytes, int burst_tolerance) {
  const std::int64_t burst = frame_bytes * std::max(1, s.frames_per_interval);
  FlowMeterConfig m;
  // ceil(burst bits / interval): the meter never refills slower than the contract.
  m.committed_information_rate_bps = (burst * 8 * 1'000'000'000 + s.interval.count() - 1) / s.interval.count();
  m.committed_burst_size_bytes = burst * (1 + std::max(0, burst_tolerance));
  return m;
}

ArrivalWindow arrival_window(const schedule::StreamPlan& s, const schedule::Hop& hop, Nanos sync_error_budget) {
  Nanos from = hop.offset + hop.propagation - sync_error_budget;
  if (hop.may_leave_early)
    for (int u : hop.upstream) {
      const auto& up = s.hops[static_cast<std::size_t>(u)];
      from = std::min(from, up.offset + up.frame_wire_time + up.propagation - sync_error_budget);
    }
  return {from, hop.offset + hop.length + hop.propagation + sync_error_budget};
}

std::int64_t frame_bytes(const schedule::StreamPlan& s, bool r_tag) {
  const std::int64_t payload = s.frame_payload > 0 ? s.frame_payload : std::max<std::int64_t>(s.max_frame_size, 1);
  const std::int64_t tagged = kEthHeaderBytes + kVlanTagBytes + payload;
  return std::max(tagged, kMinFrameBytes - kFcsBytes) + (r_tag ? static_cast<std::int64_t>(kRTagBytes) : 0);
}

bool carries_r_tag(const schedule::StreamPlan& s, int hop, const model::Plant& plant) {
  if (s.trees.size() < 2) return false;
  const auto& h = s.hops[static_cast<std::size_t>(hop)];
  // Tagged from the generating bridge's egress to the recovering bridge's ingress: every hop a
  // bridge transmits except the access links (shared by both trees, or out of the recovery).
  if (!is_bridge(plant, h.egress.node) || is_recovering_hop(h)) return false;
  return !generating_bridge(s, plant).empty() && trees_using(s, hop) < 2;
}

void add_stream_protection(bridge::BridgeConfig& config, const schedule::Plan& plan, const model::Plant& plant,
                           TaiTime base_time) {
  const std::string& name = config.bridge;
  const model::Node* node = plant.find_node(name);
  if (!node) return;
  // A plant built by hand may name no known profile: then no processing delay is added.
  const model::Profile* profile = plant.find_profile(node->profile);
  const Nanos processing_max = profile ? profile->processing_delay_max : Nanos{0};
  std::set<int> scheduled_priorities;
  for (const auto& s : plan.streams)
    if (s.timed) scheduled_priorities.insert(s.pcp);

  // Streams that enter here but that the bridge does not identify under their own name (no
  // deadline, or a destination and VLAN another stream has): their ports and priorities get no
  // wildcard filter, and a stream sharing its identification with them is not gated or metered,
  // since its filter would see their frames too.
  std::set<std::string> identified;
  for (const auto& e : config.streams) identified.insert(e.name);
  std::set<std::pair<std::string, int>> open_to_unidentified;
  std::set<std::pair<std::string, int>> shared_keys;  // destination MAC, VLAN
  for (const auto& s : plan.streams) {
    bool enters = false;
    for (const auto& hop : s.hops)
      if (hop.ingress.node == name) {
        enters = true;
        if (!identified.count(s.name)) open_to_unidentified.insert({hop.ingress.port, s.pcp});
      }
    if (enters && !identified.count(s.name)) shared_keys.insert({s.destination_mac, s.vlan});
  }

  bridge::StreamProtection& p = config.protection;
  for (const auto& entry : config.streams) {
    const schedule::StreamPlan* s = plan.find_stream(entry.name);
    if (!s) continue;
    const bool shared = shared_keys.count({s->destination_mac, s->vlan}) > 0;
    const std::optional<std::uint8_t> ipv = internal_priority(*s, name);
    for (std::size_t h = 0; h < s->hops.size(); ++h) {
      const schedule::Hop& hop = s->hops[h];
      if (hop.ingress.node != name) continue;
      if (std::any_of(p.stream_filters.begin(), p.stream_filters.end(),
                      [&](const auto& f) { return f.stream == s->name && f.port == hop.ingress.port; }))
        continue;  // one filter per port, even where both trees enter through it
      bridge::StreamFilterEntry f;
      f.stream = s->name;
      f.port = hop.ingress.port;
      f.priority = static_cast<std::uint8_t>(s->pcp);
      const std::int64_t bytes = frame_bytes(*s, carries_r_tag(*s, static_cast<int>(h), plant));
      f.max_sdu_size = static_cast<std::uint32_t>(bytes);
      if (shared) {
        f.max_sdu_size = 0;
        if (ipv) {
          f.gate = always_open_gate(base_time);
          f.gate->ipv = ipv;
        }
        p.stream_filters.push_back(std::move(f));
        continue;
      }
      const model::ProtectionPolicy& policy = plant.defaults.protection;
      if (policy.flow_meters && s->interval > Nanos{0}) f.meter = stream_flow_meter(*s, bytes, policy.burst_tolerance);
      if (policy.stream_gates && s->timed && s->interval > Nanos{0}) {
        const ArrivalWindow arrival = arrival_window(*s, hop, plan.sync_error_budget);
        bridge::StreamGate g;
        g.schedule = stream_gate_schedule(arrival.from, arrival.until + processing_max, s->interval, base_time);
        f.gate = g;
      }
      // The queue the plan gave the frames here is not their priority's: the gate says which.
      if (ipv) {
        if (!f.gate) f.gate = always_open_gate(base_time);
        f.gate->ipv = ipv;
      }
      p.stream_filters.push_back(std::move(f));
    }
    if (s->trees.size() >= 2) {
      if (generating_bridge(*s, plant) == name) p.sequence_generation.push_back(s->name);
      const bool recovers = std::any_of(s->hops.begin(), s->hops.end(), [&](const schedule::Hop& hop) {
        return hop.egress.node == name && is_recovering_hop(hop);
      });
      if (recovers) {
        bridge::SequenceRecoveryEntry r;
        r.stream = s->name;
        SequenceRecoveryConfig& c = r.recovery;
        c.algorithm = RecoveryAlgorithm::vector;
        const Nanos interval = s->interval > Nanos{0} ? s->interval : Nanos{1'000'000};
        // The longest history the dataplane holds, not just the frames in flight while the slower
        // tree's copy is on its way. A frame whose number jumps a history or more ahead is rogue, and
        // so is every later one until the reset timeout passes with nothing accepted: a short
        // history turns a burst of a few lost frames (a meter that turned red after a host stall
        // on both trees) into a reset timeout's worth of frames lost. The window is one 64-bit word
        // whatever its length, and copies it still covers are told apart from new frames exactly.
        c.history_length = kMaxRecoveryHistory;
        c.reset_timeout = std::max(Nanos{100'000'000}, 10 * interval);
        c.latent.enabled = true;
        c.latent.paths = 2;
        c.latent.period = Nanos{1'000'000'000};
        c.latent.reset_period = Nanos{30'000'000'000};
        const std::int64_t per_period = c.latent.period / interval * std::max(1, s->frames_per_interval);
        c.latent.difference = std::max<std::int64_t>(2, per_period / 10);
        p.sequence_recovery.push_back(std::move(r));
      }
    }
  }
  // Nothing unidentified enters a scheduled queue: per linked port and scheduled priority, a
  // wildcard filter whose gate never opens.
  if (scheduled_priorities.empty() || !plant.defaults.protection.drop_unidentified) return;
  for (const auto& port : config.ports)
    for (int pcp : scheduled_priorities) {
      if (open_to_unidentified.count({port.name, pcp})) continue;
      bridge::StreamFilterEntry f;
      f.stream = bridge::kWildcardStream;
      f.port = port.name;
      f.priority = static_cast<std::uint8_t>(pcp);
      bridge::StreamGate g;
      g.schedule.gate_enabled = false;
      g.schedule.admin_gate_states = 0;
      g.schedule.admin_base_time = bridge::ptp_time(base_time);
      f.gate = g;
      p.stream_filters.push_back(std::move(f));
    }
}

}  // namespace takt::exporter
