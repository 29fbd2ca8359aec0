#pragma once
// One gate-control-entry of ieee802-dot1q-sched's admin-control-list / oper-control-list as
// RFC 7951 JSON, written the same way wherever takt writes one: the takt-bridge/1
// configuration, the agent API's sched state, and the controller's YANG export. The keys are
// inserted in the module's order, which is what an nlohmann::ordered_json caller prints.
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace takt::bridge {

// operation-name as an RFC 7951 identity value, module-qualified (bridge_config.hpp's
// kSetGateStates is the bare name hand-written files also use).
inline constexpr const char* kSetGateStatesIdentity = "ieee802-dot1q-sched:set-gate-states";

// Json: nlohmann::json or nlohmann::ordered_json, whichever document the entry goes into.
template <class Json>
Json gate_control_entry_json(std::uint32_t index, std::string_view operation_name, std::uint32_t time_interval_value,
                             std::uint8_t gate_states_value) {
  Json entry = Json::object();
  entry["index"] = index;
  entry["operation-name"] = operation_name;
  entry["time-interval-value"] = time_interval_value;
  entry["gate-states-value"] = gate_states_value;
  return entry;
}

}  // namespace takt::bridge
