#pragma once
// What a bridge reports of its gates (the read-only side of ieee802-dot1q-sched-bridge's
// gate-parameter-table) and its per-port limits: the agent serves it, the controller's
// southbound reads it. Part of the agent protocol, so neither side owns it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/core/gate_control_list.hpp"
#include "dataplane/core/time.hpp"

namespace takt::agent {

// Hardware limits of one port, reported as tick-granularity / supported-list-max and checked
// at staging.
struct PortCapabilities {
  std::string port;
  std::uint32_t tick_granularity = 10;  // tenths of ns (YANG unit): 10 = 1 ns
  std::uint32_t supported_list_max = 1024;
  Nanos supported_cycle_max{1'000'000'000};
  std::uint32_t supported_interval_max = 0xFFFF'FFFFU;
};

// The read-only side of one port's gate-parameter-table.
struct PortOperState {
  std::string port;
  bool gate_enabled = false;
  std::uint8_t admin_gate_states = kAllGatesOpen;
  std::uint8_t oper_gate_states = kAllGatesOpen;  // at current_time
  std::optional<GateControlList> oper;            // running list; empty optional = none
  std::optional<GateControlList> admin;           // pending list, until it becomes oper
  bool config_pending = false;
  TaiTime config_change_time{};  // meaningful when config_pending
  std::uint64_t config_change_error = 0;
  PortCapabilities capabilities;
};

struct BridgeOperState {
  TaiTime current_time{};
  std::vector<PortOperState> ports;  // sorted by port name
};

}  // namespace takt::agent
