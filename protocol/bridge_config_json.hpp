#pragma once
// "takt-bridge/1" JSON: a BridgeConfig as a file (written by taktctl, read by takt-dataplane).
// Port gate parameters use ieee802-dot1q-sched leaf names in RFC 7951 form (uint64 seconds as a
// string, admin-control-list as a container of gate-control-entry); reading also accepts
// seconds as a number, admin-control-list as a bare array and module-qualified identities
// ("ieee802-dot1q-sched:set-gate-states"), which hand-written files and other tools use.
//
//   {"format": "takt-bridge/1", "bridge": "sw1",
//    "ports": [{"name": "p1", "link-rate-bps": 1000000000,
//               "priority-to-traffic-class": [1, 0, 2, 3, 4, 5, 6, 7],
//               "gate-parameter-table": {"gate-enabled": true, "admin-gate-states": 255,
//                 "admin-control-list": {"gate-control-entry": [{"index": 0,
//                   "operation-name": "set-gate-states", "time-interval-value": 200000,
//                   "gate-states-value": 64}, ...]},
//                 "admin-cycle-time": {"numerator": 1, "denominator": 1000},
//                 "admin-cycle-time-extension": 0,
//                 "admin-base-time": {"seconds": "0", "nanoseconds": 0},
//                 "config-change": true}}],
//    "static-fdb": [{"destination-mac": "02:00:00:00:00:02", "vlan": 100, "ports": ["p2"]}],
//    "streams": [{"name": "s1", "destination-mac": "02:00:00:00:00:02", "vlan": 100,
//                 "max-latency": 500000, "traffic-class": 6}]}
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/bridge_config.hpp"

namespace takt::bridge {

// Throws ConfigError naming the JSON pointer of the offending value ("/ports/1/name: ...").
// The result has passed validate().
BridgeConfig bridge_config_from_json(const nlohmann::json& j);
nlohmann::json to_json(const BridgeConfig& config);

// Throws ConfigError prefixed with the path for unreadable files, JSON syntax errors and
// everything bridge_config_from_json rejects.
BridgeConfig load_bridge_config(const std::filesystem::path& path);
void save_bridge_config(const std::filesystem::path& path, const BridgeConfig& config);

}  // namespace takt::bridge
