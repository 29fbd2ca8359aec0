#pragma once
// The configuration of one bridge: its ports (link rate, priority -> traffic class map, the
// 802.1Qbv gate parameters), static FDB entries for the streams crossing it, and the streams it
// keeps counters and residence-time histograms for. Gate parameters use the leaves of
// ieee802-dot1q-sched (gate-parameter-table) so that a file and the switch agent's API say the
// same thing; times that YANG keeps as rationals or PTP times stay in that form here and are
// turned into integer nanoseconds once, by the helpers below.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/core/gate_control_list.hpp"
#include "dataplane/core/mac_address.hpp"
#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/time.hpp"

namespace takt::bridge {

inline constexpr const char* kBridgeConfigFormat = "takt-bridge/1";

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

struct BridgePort {
  std::string name;  // the plant's port name, e.g. "p1"
  std::int64_t link_rate_bps = 1'000'000'000;
  std::array<std::uint8_t, 8> priority_to_traffic_class = PcpToTrafficClass::kIeeeDefault;
  GateParameterTable gates;
  friend bool operator==(const BridgePort&, const BridgePort&) = default;
};

// A static filtering entry: frames to (destination, vlan) leave through `ports`.
struct StaticFdbEntry {
  MacAddress destination;
  std::uint16_t vlan = 0;
  std::vector<std::string> ports;
  friend bool operator==(const StaticFdbEntry&, const StaticFdbEntry&) = default;
};

// A stream the bridge identifies (null stream identification: destination MAC + VLAN) to keep
// per-stream counters and a residence-time histogram with a bucket at its max-latency.
struct StreamEntry {
  std::string name;
  MacAddress destination;
  std::uint16_t vlan = 0;
  Nanos max_latency{0};
  int traffic_class = 0;
  friend bool operator==(const StreamEntry&, const StreamEntry&) = default;
};

struct BridgeConfig {
  std::string bridge;
  std::vector<BridgePort> ports;
  std::vector<StaticFdbEntry> static_fdb;
  std::vector<StreamEntry> streams;

  std::optional<std::size_t> port_index(const std::string& name) const;
  friend bool operator==(const BridgeConfig&, const BridgeConfig&) = default;
};

// Exact conversions. A cycle time that is not a whole number of nanoseconds, a non-positive
// denominator or a base time beyond int64 ns throws ConfigError.
Nanos to_nanos(const RationalSeconds& r);
RationalSeconds rational_seconds(Nanos n);  // reduced, so it fits the int32 leaves
TaiTime to_tai(const PtpTime& t);
PtpTime ptp_time(TaiTime t);  // t must not be negative

// The core schedule a gate-parameter-table describes (entries in index order). Throws
// ConfigError naming the leaf when the table cannot run.
GateControlList gate_control_list(const GateParameterTable& table);

// Checks everything the dataplane relies on, so a configuration is rejected once, at load,
// with a message naming the offending port, entry or stream. Throws ConfigError.
void validate(const BridgeConfig& config);

}  // namespace takt::bridge
