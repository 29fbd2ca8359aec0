#pragma once
// A bridge configuration of sw1 (the bridge of sample_plan.hpp: linked ports p1, p2, p4) that uses
// every protection feature takt-bridge/1 has, to check its YANG mapping by hand and with yanglint:
//   streams   0 motion        filtered at p1 on PCP 6: gate (2 entries), meter, max SDU, blocking
//             1 split         generated here: in at p1 (meter, no gate), out at p2 and p4
//             2 merged        recovered here (vector, individual, latent): in at p2 and p4, gated;
//                             the gate at p4 has IPV 7
//             3 merged-match  recovered here (match, take-no-sequence), no filter
//             4 untagged      VLAN 0, filtered at p1 on any priority, no gate, no meter
//             5 counted       identified for counters only
//   wildcards PCP 6 closed at every port (one 802.1Qci entry); PCP 7 only at p1 (not expressible)
#include "protocol/bridge_config.hpp"

namespace takt::test {

inline bridge::StreamGate sample_stream_gate(std::uint32_t open_ns, std::uint32_t closed_ns) {
  bridge::StreamGate g;
  g.schedule.gate_enabled = true;
  g.schedule.admin_gate_states = 0;
  g.schedule.admin_control_list = {{0, bridge::kSetGateAndIpv, open_ns, 0x01},
                                   {1, bridge::kSetGateAndIpv, closed_ns, 0x00}};
  g.schedule.admin_cycle_time = {open_ns + closed_ns, 1'000'000'000};
  g.schedule.admin_cycle_time_extension = 1'000;
  g.schedule.admin_base_time = {1'700'000'000, 500};
  g.gate_closed_due_to_invalid_rx_enable = true;
  return g;
}

inline bridge::BridgeConfig sample_protected_bridge() {
  bridge::BridgeConfig c;
  c.bridge = "sw1";
  for (const char* p : {"p1", "p2", "p4"}) c.ports.push_back({p, 1'000'000'000, PcpToTrafficClass::kIeeeDefault, {}});
  const auto mac = [](const char* text) { return *MacAddress::parse(text); };
  const auto stream = [&](const char* name, const char* destination, std::uint16_t vlan) {
    c.streams.push_back({name, mac(destination), vlan, Nanos{100'000}, 6});
  };
  stream("motion", "91:e0:f0:00:00:00", 100);
  stream("split", "91:e0:f0:00:00:01", 100);
  stream("merged", "91:e0:f0:00:00:02", 100);
  stream("merged-match", "91:e0:f0:00:00:03", 100);
  stream("untagged", "02:00:00:00:00:0a", 0);
  stream("counted", "02:00:00:00:00:0b", 100);
  c.static_fdb = {{mac("91:e0:f0:00:00:00"), 100, {"p2"}},
                  {mac("91:e0:f0:00:00:01"), 100, {"p2", "p4"}},
                  {mac("91:e0:f0:00:00:02"), 100, {"p1"}},
                  {mac("91:e0:f0:00:00:03"), 100, {"p1"}}};

  auto& p = c.protection;
  bridge::StreamFilterEntry motion;
  motion.stream = "motion";
  motion.port = "p1";
  motion.priority = 6;
  motion.max_sdu_size = 68;
  motion.stream_blocked_due_to_oversize_frame_enable = true;
  motion.gate = sample_stream_gate(10'000, 240'000);
  motion.meter = FlowMeterConfig{2'176'000, 136, 1'000'000, 1'522, true, true};
  p.stream_filters.push_back(motion);

  bridge::StreamFilterEntry split;
  split.stream = "split";
  split.port = "p1";
  split.priority = 5;
  split.max_sdu_size = 1'504;
  split.meter = FlowMeterConfig{12'032'000, 3'008, 0, 0, false, false};
  p.stream_filters.push_back(split);

  for (const char* port : {"p2", "p4"}) {
    bridge::StreamFilterEntry merged;
    merged.stream = "merged";
    merged.port = port;
    merged.priority = 6;
    merged.max_sdu_size = 74;  // R-TAG included
    merged.gate = sample_stream_gate(port[1] == '2' ? 20'000 : 30'000, port[1] == '2' ? 230'000 : 220'000);
    if (port[1] == '4') merged.gate->ipv = 7;  // queued as priority 7 where it comes in at p4
    p.stream_filters.push_back(merged);
  }

  bridge::StreamFilterEntry untagged;
  untagged.stream = "untagged";
  untagged.port = "p1";
  p.stream_filters.push_back(untagged);

  for (const char* port : {"p1", "p2", "p4"}) {
    bridge::StreamFilterEntry w;
    w.stream = bridge::kWildcardStream;
    w.port = port;
    w.priority = 6;
    bridge::StreamGate closed;
    closed.schedule.gate_enabled = false;
    closed.schedule.admin_gate_states = 0;
    closed.schedule.admin_base_time = {1'700'000'000, 500};
    w.gate = closed;
    p.stream_filters.push_back(w);
  }
  bridge::StreamFilterEntry only_p1 = p.stream_filters.back();
  only_p1.port = "p1";
  only_p1.priority = 7;
  p.stream_filters.push_back(only_p1);

  p.sequence_generation = {"split"};
  bridge::SequenceRecoveryEntry merged;
  merged.stream = "merged";
  merged.individual_recovery = true;
  merged.recovery.algorithm = RecoveryAlgorithm::vector;
  merged.recovery.history_length = 8;
  merged.recovery.reset_timeout = Nanos{2'500'000};  // 2.5 ms: 3 ms in the module's whole ms
  merged.recovery.latent = {true, 2, 25, Nanos{1'000'000'000}, Nanos{30'000'000'000}};
  p.sequence_recovery.push_back(merged);
  bridge::SequenceRecoveryEntry match;
  match.stream = "merged-match";
  match.recovery.algorithm = RecoveryAlgorithm::match;
  match.recovery.take_no_sequence = true;
  p.sequence_recovery.push_back(match);
  return c;
}

}  // namespace takt::test
