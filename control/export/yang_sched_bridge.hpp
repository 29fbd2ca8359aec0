#pragma once
// A bridge's scheduled-traffic configuration as RFC 7951 JSON of ieee802-dot1q-sched-bridge
// (IEEE 802.1Qcw-2023). That module augments /if:interfaces/if:interface/dot1q:bridge-port with
// gate-parameter-table, so the document is an ietf-interfaces list with one entry per bridge
// port. Interface names are the plant's port names ("p1"): RFC 8343 names are local to the
// device and each document goes to one bridge. The ports carry no bridge-name: bridge identity
// (address, type) is not the planner's to set (the dot1q:bridges entry that PSFP needs, below,
// has a placeholder address unless the plant gives the bridge one).
//
// Every linked port of the bridge is listed: ports with scheduled windows get their gate control
// list and gate-enabled true, the others gate-enabled false (with a one-entry all-open list), so
// installing a new plan also switches off a port that the previous plan scheduled. admin-base-time is a placeholder
// (0): the installer picks a future multiple of the plan's hyperperiod and commits it on every bridge. supported-*
// leaves are the profile's limits; the module's must statements compare against them.
//
// The same document carries the bridge's per-stream protection, as yang_stream_protection.hpp
// maps it: stream identification of the streams it identifies, 802.1Qci stream filters, gates
// and flow meters (ieee802-dot1q-psfp-bridge, which needs a dot1q:bridges entry) and 802.1CB
// sequence generation and recovery, all from the takt-bridge/1 configuration of the bridge.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::exporter {

// A rational number of seconds as ieee802-types rational-grouping (both uint32), reduced.
struct RationalSeconds {
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 1;
};
RationalSeconds to_rational_seconds(Nanos d);  // throws std::range_error if it cannot fit

// The gate-parameter-table of one port (the object under "ieee802-dot1q-sched-bridge:...").
nlohmann::ordered_json gate_parameter_table(const schedule::PortPlan& port, const model::Profile& profile);

// The whole document for one bridge. Throws std::invalid_argument if `bridge` is not a bridge.
nlohmann::ordered_json sched_bridge_config(const schedule::Plan& plan, const model::Plant& plant,
                                           const std::string& bridge);

// YANG modules a validator must load for these documents (file names in ../shared/yang), with
// the features of stream_protection_features().
std::vector<std::string> sched_bridge_modules();

}  // namespace takt::exporter
