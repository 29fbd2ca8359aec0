#pragma once
// What the TX side of every port runs: its gate engine, its priority -> traffic class map and
// its link rate. The control side builds a new GateSchedule and publishes it through an RcuCell;
// the packet lcore only queries it, so gate engines are never mutated where packets flow.
#include <cstdint>
#include <vector>

#include "protocol/bridge_config.hpp"
#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/wire_timer.hpp"
#include "dataplane/dpdk/protection_schedule.hpp"

namespace takt::dpdk {

struct PortSchedule {
  GateEngine gates;
  PcpToTrafficClass priority_map;
  std::int64_t link_rate_bps = 0;
  WireTimer wire;  // wire times at link_rate_bps, division-free
};

struct GateSchedule {
  std::vector<PortSchedule> ports;  // bridge port index order
  ProtectionSchedule protection;    // 802.1Qci stream filters and gates, 802.1CB roles
  std::uint64_t generation = 0;
};

// The schedule for `config` written at `now`. With a running schedule, a port whose table says
// config-change starts 802.1Qbv's List Config on a copy of its engine (the running list ends as
// the standard says, at ConfigChangeTime); a port without config-change keeps its engine, and a
// port with gate-enabled false opens every gate at once. Throws ConfigError naming the port,
// and when the ports differ from the running schedule's (they are fixed at start).
GateSchedule next_schedule(const bridge::BridgeConfig& config, const GateSchedule* running, TaiTime now);

}  // namespace takt::dpdk
