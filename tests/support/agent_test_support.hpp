#pragma once
// Bridge configurations and a manual clock for agent tests.
#include <atomic>
#include <string>
#include <vector>

#include "dataplane/agent/gate_engine_runtime.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::agent::test {

// A clock the test moves by hand.
struct ManualClock {
  std::atomic<std::int64_t> ns{1'000'000'000'000};  // TAI 1000 s
  TaiTime now() const { return tai_ns(ns.load()); }
  void advance(Nanos d) { ns += d.count(); }
};

// Port `name` with a two-entry list: `first` open for `open_ns`, then the rest for the
// remaining cycle.
inline bridge::BridgePort scheduled_port(const std::string& name, std::uint8_t first, std::uint32_t open_ns,
                                         std::uint32_t cycle_ns = 1'000'000) {
  bridge::BridgePort p;
  p.name = name;
  p.gates.gate_enabled = true;
  p.gates.admin_control_list = {{0, bridge::kSetGateStates, open_ns, first},
                                {1, bridge::kSetGateStates, cycle_ns - open_ns, static_cast<std::uint8_t>(~first)}};
  p.gates.admin_cycle_time = bridge::rational_seconds(Nanos{cycle_ns});
  return p;
}

inline bridge::BridgeConfig two_port_config(const std::string& bridge, std::uint32_t open_ns) {
  bridge::BridgeConfig c;
  c.bridge = bridge;
  c.ports = {scheduled_port("p1", 0x80, open_ns), scheduled_port("p2", 0x40, open_ns)};
  return c;
}

inline std::vector<PortCapabilities> ports(std::initializer_list<const char*> names, std::uint32_t list_max = 16) {
  std::vector<PortCapabilities> out;
  for (const char* n : names) {
    PortCapabilities c;
    c.port = n;
    c.supported_list_max = list_max;
    out.push_back(c);
  }
  return out;
}

}  // namespace takt::agent::test
