#pragma once
// The agent's view of the bridge it configures. takt-agent implements it with core gate
// engines driven by the host clock (no packet path); takt-dataplane implements it with the
// gate engines its TX loops run. The agent validates and sequences configurations; a
// runtime only applies them and reports what runs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/config/bridge_config.hpp"
#include "dataplane/core/gate_control_list.hpp"
#include "dataplane/core/time.hpp"

namespace takt::agent {

// Hardware limits of one port, reported as tick-granularity / supported-list-max and checked
// at staging.
struct PortCapabilities {
  std::string port;
  std::uint32_t tick_granularity = 10;    // tenths of ns (YANG unit): 10 = 1 ns
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
  TaiTime config_change_time{};                   // meaningful when config_pending
  std::uint64_t config_change_error = 0;
  PortCapabilities capabilities;
};

struct BridgeOperState {
  TaiTime current_time{};
  std::vector<PortOperState> ports;               // sorted by port name
};

class BridgeRuntime {
 public:
  virtual ~BridgeRuntime() = default;

  virtual std::vector<PortCapabilities> ports() const = 0;
  // The bridge's TAI time: what base times and config-change times are compared with.
  virtual TaiTime now() const = 0;
  // Installs the gate parameters of every port whose config-change is true, each with its own
  // admin-base-time; a port with gate-enabled false drops its schedule and holds
  // admin-gate-states. The config passed bridge::validate() and was checked against ports().
  // All or nothing: when it throws, every port still runs what it ran before.
  virtual void apply(const bridge::BridgeConfig& config) = 0;
  virtual BridgeOperState oper_state() const = 0;
};

}  // namespace takt::agent
