#include "protocol/sched_state_json.hpp"

#include <fmt/format.h>

#include "protocol/gate_control_entry_json.hpp"
#include "protocol/yang_values.hpp"

namespace takt::agent {

namespace {

using nlohmann::json;

constexpr const char* kInterfaces = "ietf-interfaces:interfaces";
constexpr const char* kBridgePort = "ieee802-dot1q-bridge:bridge-port";
constexpr const char* kTable = "ieee802-dot1q-sched-bridge:gate-parameter-table";

std::optional<GateControlList> read_control_list(const json& table, const std::string& prefix,
                                                 const std::string& path) {
  const std::string list_key = prefix + "-control-list";
  if (!table.contains(list_key)) return std::nullopt;
  GateControlList list;
  const json& entries = table[list_key].value("gate-control-entry", json::array());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string at = fmt::format("{}/{}/gate-control-entry/{}", path, list_key, i);
    GateControlEntry e;
    e.gate_states =
        static_cast<std::uint8_t>(unsigned_from_json(entries[i].value("gate-states-value", json(0)), at, 0xFF));
    e.time_interval = Nanos{static_cast<std::int64_t>(
        unsigned_from_json(entries[i].value("time-interval-value", json(0)), at, kMaxGateIntervalNs))};
    list.entries.push_back(e);
  }
  if (table.contains(prefix + "-cycle-time"))
    list.cycle_time = rational_seconds_from_json(table[prefix + "-cycle-time"], path + "/" + prefix + "-cycle-time");
  if (table.contains(prefix + "-base-time"))
    list.base_time = ptp_time_from_json(table[prefix + "-base-time"], path + "/" + prefix + "-base-time");
  if (table.contains(prefix + "-cycle-time-extension"))
    list.cycle_time_extension = Nanos{static_cast<std::int64_t>(unsigned_from_json(
        table[prefix + "-cycle-time-extension"], path + "/" + prefix + "-cycle-time-extension", kMaxGateIntervalNs))};
  return list;
}

// One interface of the list; current-time, a leaf of every port, goes into the state.
PortOperState port_oper_state_from_json(const json& itf, const std::string& at, BridgeOperState& state) {
  if (!itf.contains("name") || !itf.contains(kBridgePort) || !itf[kBridgePort].contains(kTable))
    throw BodyError(at, "expected name and bridge-port/gate-parameter-table");
  const json& t = itf[kBridgePort][kTable];
  const std::string tp = at + "/" + kBridgePort + "/" + kTable;
  PortOperState port;
  port.port = itf["name"].get<std::string>();
  port.capabilities.port = port.port;
  port.gate_enabled = t.value("gate-enabled", false);
  port.admin_gate_states =
      static_cast<std::uint8_t>(unsigned_from_json(t.value("admin-gate-states", json(255)), tp, 0xFF));
  port.oper_gate_states =
      static_cast<std::uint8_t>(unsigned_from_json(t.value("oper-gate-states", json(255)), tp, 0xFF));
  port.admin = read_control_list(t, "admin", tp);
  port.oper = read_control_list(t, "oper", tp);
  port.config_pending = t.value("config-pending", false);
  if (t.contains("config-change-time"))
    port.config_change_time = ptp_time_from_json(t["config-change-time"], tp + "/config-change-time");
  port.config_change_error =
      unsigned_from_json(t.value("config-change-error", json(0)), tp + "/config-change-error", UINT64_MAX);
  port.capabilities.tick_granularity = static_cast<std::uint32_t>(
      unsigned_from_json(t.value("tick-granularity", json(10)), tp + "/tick-granularity", 0xFFFF'FFFFULL));
  port.capabilities.supported_list_max = static_cast<std::uint32_t>(
      unsigned_from_json(t.value("supported-list-max", json(0)), tp + "/supported-list-max", 0xFFFF'FFFFULL));
  if (t.contains("current-time")) state.current_time = ptp_time_from_json(t["current-time"], tp + "/current-time");
  return port;
}

}  // namespace

void write_control_list(json& table, const char* prefix, const GateControlList& list) {
  const std::string p = prefix;
  json entries = json::array();
  for (std::size_t i = 0; i < list.entries.size(); ++i) {
    // Entries were read as uint32 intervals (kMaxGateIntervalNs) or built from a configuration.
    entries.push_back(bridge::gate_control_entry_json<json>(
        static_cast<std::uint32_t>(i), bridge::kSetGateStatesIdentity,
        static_cast<std::uint32_t>(list.entries[i].time_interval.count()), list.entries[i].gate_states));
  }
  table[p + "-control-list"] = {{"gate-control-entry", entries}};
  table[p + "-cycle-time"] = rational_seconds_to_json(list.cycle_time);
  table[p + "-base-time"] = ptp_time_to_json(list.base_time);
  table[p + "-cycle-time-extension"] = list.cycle_time_extension.count();
}

json to_json(const BridgeOperState& state) {
  json interfaces = json::array();
  for (const auto& port : state.ports) {
    json t;
    t["gate-enabled"] = port.gate_enabled;
    t["admin-gate-states"] = port.admin_gate_states;
    t["oper-gate-states"] = port.oper_gate_states;
    if (port.admin) write_control_list(t, "admin", *port.admin);
    if (port.oper) write_control_list(t, "oper", *port.oper);
    t["config-pending"] = port.config_pending;
    if (port.config_pending) t["config-change-time"] = ptp_time_to_json(port.config_change_time);
    t["config-change-error"] = std::to_string(port.config_change_error);  // counter64: string in RFC 7951
    t["tick-granularity"] = port.capabilities.tick_granularity;
    t["current-time"] = ptp_time_to_json(state.current_time);
    t["supported-list-max"] = port.capabilities.supported_list_max;
    t["supported-cycle-max"] = rational_seconds_to_json(port.capabilities.supported_cycle_max);
    t["supported-interval-max"] = port.capabilities.supported_interval_max;
    interfaces.push_back({{"name", port.port}, {kBridgePort, {{kTable, t}}}});
  }
  return {{kInterfaces, {{"interface", interfaces}}}};
}

BridgeOperState bridge_oper_state_from_json(const json& j) {
  BridgeOperState state;
  if (!j.is_object() || !j.contains(kInterfaces) || !j[kInterfaces].contains("interface"))
    throw BodyError(std::string("/") + kInterfaces, "missing");
  const json& list = j[kInterfaces]["interface"];
  if (!list.is_array()) throw BodyError(fmt::format("/{}/interface", kInterfaces), "expected an array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("/{}/interface/{}", kInterfaces, i);
    try {
      state.ports.push_back(port_oper_state_from_json(list[i], at, state));
    } catch (const json::exception& e) {
      // A leaf of the wrong JSON type (a number for "name", an array for a table): named by
      // the interface it is in, like every other refusal here.
      throw BodyError(at, e.what());
    }
  }
  return state;
}

}  // namespace takt::agent
