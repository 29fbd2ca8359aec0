#pragma once
// The gate-parameter-table of ieee802-dot1q-sched, as takt-bridge/1 and the switch agent's API
// carry it: times that YANG keeps as rationals or PTP times stay in that form here and are turned
// into integer nanoseconds once, by the helpers in bridge_config.hpp. Port gates (802.1Qbv) and
// stream gates (802.1Qci) both use it.
#include <cstdint>
#include <string>
#include <vector>

namespace takt::bridge {

// ieee802-types rational-grouping: a number of seconds as numerator / denominator (int32 each).
struct RationalSeconds {
  std::int64_t numerator = 0;
  std::int64_t denominator = 1;
  friend bool operator==(const RationalSeconds&, const RationalSeconds&) = default;
};

// ieee802-types ptp-time-grouping: seconds and nanoseconds of the PTP timescale (TAI).
struct PtpTime {
  std::uint64_t seconds = 0;
  std::uint32_t nanoseconds = 0;
  friend bool operator==(const PtpTime&, const PtpTime&) = default;
};

inline constexpr const char* kSetGateStates = "set-gate-states";
// 802.1Qci stream gates: the operation sets the gate state and the internal priority value.
inline constexpr const char* kSetGateAndIpv = "set-gate-and-ipv";

// One gate-control-entry of admin-control-list.
struct GateControlEntry {
  std::uint32_t index = 0;
  std::string operation_name = kSetGateStates;  // the only operation a bridge without preemption has
  std::uint32_t time_interval_value = 0;        // ns
  std::uint8_t gate_states_value = 0xFF;        // bit i = traffic class i, 1 = open
  friend bool operator==(const GateControlEntry&, const GateControlEntry&) = default;
};

// The administrative leaves of ieee802-dot1q-sched's gate-parameter-table for one port.
struct GateParameterTable {
  bool gate_enabled = false;  // false: every gate open, the list is ignored
  std::uint8_t admin_gate_states = 0xFF;
  std::vector<GateControlEntry> admin_control_list;
  RationalSeconds admin_cycle_time;
  std::uint32_t admin_cycle_time_extension = 0;  // ns
  PtpTime admin_base_time;
  // Set when the admin values are to be installed (802.1Qbv's ConfigChange); a bridge keeps
  // its running schedule for a table written with config-change false.
  bool config_change = true;
  friend bool operator==(const GateParameterTable&, const GateParameterTable&) = default;
};

}  // namespace takt::bridge
