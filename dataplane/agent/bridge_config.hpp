#pragma once
// What a controller installs on one bridge: per port the ieee802-dot1q-sched gate parameters,
// plus static FDB entries and stream identification entries. Parsed from RFC 7951 JSON with
// ieee802-dot1q-sched-bridge leaf names ("takt-bridge/1"), validated completely at parse
// time so that staging either accepts all of it or nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/core/gate_control_list.hpp"
#include "dataplane/core/mac_address.hpp"

namespace takt::agent {

inline constexpr const char* kBridgeConfigFormat = "takt-bridge/1";

// One port's gate-parameter-table, admin side.
struct PortSchedule {
  std::string port;                            // interface name, as the bridge calls it
  bool gate_enabled = false;                   // false: every gate open (admin-gate-states)
  std::uint8_t admin_gate_states = kAllGatesOpen;
  GateControlList admin;                       // admin-control-list, -cycle-time, -base-time, -extension
  // config-change: false leaves the port's running schedule alone on commit.
  bool config_change = true;
  friend bool operator==(const PortSchedule&, const PortSchedule&) = default;
};

struct FdbEntry {
  MacAddress address;
  std::uint16_t vid = 0;
  std::vector<std::string> ports;              // egress ports (several for multicast)
  friend bool operator==(const FdbEntry&, const FdbEntry&) = default;
};

// 802.1CB null stream identification: destination MAC + VID -> stream.
struct StreamEntry {
  std::string name;
  MacAddress destination;
  std::uint16_t vid = 0;
  int pcp = 0;
  friend bool operator==(const StreamEntry&, const StreamEntry&) = default;
};

struct BridgeConfig {
  std::string bridge;
  std::vector<PortSchedule> ports;             // sorted by port name, unique
  std::vector<FdbEntry> fdb;
  std::vector<StreamEntry> streams;
  friend bool operator==(const BridgeConfig&, const BridgeConfig&) = default;

  const PortSchedule* find_port(const std::string& name) const;
};

// Throws BodyError (dataplane/agent/yang_values.hpp) naming the JSON path of the first problem:
// unknown or missing leaves, a gate control list the gate engine would refuse, duplicate
// ports, FDB entries naming ports the config does not know of.
BridgeConfig bridge_config_from_json(const nlohmann::json& j);
nlohmann::json to_json(const BridgeConfig& config);

// The gate-parameter-table object (admin leaves only) for one port, and back.
nlohmann::json gate_parameter_table_to_json(const PortSchedule& port);
PortSchedule gate_parameter_table_from_json(const nlohmann::json& j, const std::string& port, const std::string& path);

}  // namespace takt::agent
