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
#include "protocol/gate_parameter_table.hpp"
#include "protocol/stream_protection.hpp"

namespace takt::bridge {

inline constexpr const char* kBridgeConfigFormat = "takt-bridge/1";

struct BridgePort {
  std::string name;  // the plant's port name, e.g. "p1"
  std::int64_t link_rate_bps = 1'000'000'000;
  std::array<std::uint8_t, 8> priority_to_traffic_class = PcpToTrafficClass::kIeeeDefault;
  GateParameterTable gates;
  // In the active topology for traffic without a static entry (flooding, learning). A plan
  // takes one link of each loop between bridges out (a spanning tree); streams still use it.
  bool active_topology = true;
  // Longest frame accepted at this port, destination address to end of payload (FCS excluded);
  // longer ones are dropped at ingress and counted. 0 = no limit.
  std::uint32_t max_frame_bytes = 0;
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
  StreamProtection protection;  // 802.1Qci and 802.1CB; empty: frames are neither policed nor tagged

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
