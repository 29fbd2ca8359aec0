#pragma once
// The running side of a bridge as RFC 7951 JSON in the shape of the official tree:
// ietf-interfaces:interfaces/interface[name]/ieee802-dot1q-bridge:bridge-port/
// ieee802-dot1q-sched-bridge:gate-parameter-table, with the admin leaves and the read-only
// oper-*, config-pending, config-change-time, config-change-error, tick-granularity,
// current-time and supported-* leaves. Read back by the installer, `taktctl status` and the
// controller's drift check.
#include <nlohmann/json.hpp>

#include "protocol/bridge_oper_state.hpp"

namespace takt::agent {

nlohmann::json to_json(const BridgeOperState& state);
// Throws BodyError naming the JSON path when the document is not what to_json writes.
BridgeOperState bridge_oper_state_from_json(const nlohmann::json& j);

// A gate control list as the YANG containers hold it (entries + cycle + base + extension),
// with the given prefix: "admin" or "oper".
void write_control_list(nlohmann::json& table, const char* prefix, const GateControlList& list);

}  // namespace takt::agent
