#pragma once
// A bridge's per-stream protection (takt-bridge/1 BridgeConfig::protection) as RFC 7951 JSON of
// the IEEE modules, to go into the same per-bridge document as its ieee802-dot1q-sched-bridge
// content:
//
//   ieee802-dot1cb-stream-identification  stream-identity: null stream identification
//                                           (destination MAC, tagged, VLAN) of every stream
//   ieee802-dot1q-psfp-bridge (802.1Qcw)    flow-meters, stream-gates, stream-filters under
//                                           /dot1q:bridges/bridge/component
//   ieee802-dot1cb-frer                     sequence-generation, sequence-recovery and the
//                                           sequence-identification (R-TAG encode/decode) ports
//
// Stream handles are numbered as takt-dataplane numbers streams: handle i is
// BridgeConfig::streams[i]. 802.1Qci filters have no port; a stream filter is made port-specific
// by identifying its stream only on that port (the stream-identity's out-facing input-port
// list). So a stream is identified on the ports of its filters (on every linked port when it
// has none), and a stream filtered at more than one port (a redundant stream where its trees
// meet) keeps handle i at the first of them and gets one extra handle, n + k, per further port.
// A frame of the stream on any other port then has no handle and meets only wildcard filters,
// which is what takt-dataplane does with it.
//
// Wildcard filters (stream "*") are per port in takt but not in 802.1Qci: the wildcard filters of
// one priority become one wildcard entry when every linked port has the same one (what the
// planner writes); a priority whose wildcard filters differ between ports, or miss a port,
// cannot be said in the module and gets no wildcard entry (frames there pass unfiltered).
// Filters are ordered as the dataplane applies them: stream filters first, wildcards last.
//
// Every filter references a stream gate (stream-gate-ref is mandatory): a filter without one
// references a shared gate that is always open (gate-enable false, admin-gate-states open).
// Stream gate lists use set-gate-and-ipv; the gate's IPV (takt keeps one per gate) is its
// admin-ipv and every entry's ipv-spec, "null" (the frame's own priority) when it has none; the
// gate state is bit 0 of takt's gate-states-value.
//
// The bridge entry needs an address and a bridge-type, which are not the planner's: address is
// the plant's MAC of the bridge when it declares one, else 00-00-00-00-00-00, a placeholder for
// whoever installs the document (like admin-base-time 0); the component is a C-VLAN component
// named after the bridge (takt-dataplane relays on destination MAC and VLAN).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/model/plant.hpp"
#include "dataplane/core/time.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::exporter {

// What the stream-gates container says of the hardware; the module's must statements compare
// every stream gate's list length, cycle time and intervals against them.
struct StreamGateLimits {
  std::uint32_t supported_list_max = 1024;
  Nanos supported_cycle_max{1'000'000'000};
  std::uint32_t supported_interval_max = 1'000'000'000;  // ns
};
StreamGateLimits stream_gate_limits(const model::Profile& profile);

inline constexpr const char* kPlaceholderBridgeAddress = "00-00-00-00-00-00";

struct ProtectionYangOptions {
  StreamGateLimits limits;
  std::string bridge_address = kPlaceholderBridgeAddress;  // ieee mac-address: "02-00-00-00-00-01"
};

// The handle of each (stream, ingress port) as described above: handles[i] for streams[i] on
// the ports of `ports`, in the order they are assigned.
struct StreamHandleAssignment {
  std::string stream;
  std::uint32_t handle = 0;
  std::vector<std::string> ports;  // out-facing input ports
};
std::vector<StreamHandleAssignment> stream_handles(const bridge::BridgeConfig& config);

// The top-level members to merge into the bridge's document: "ieee802-dot1q-bridge:bridges"
// (when there are stream filters), "ieee802-dot1cb-stream-identification:stream-identity" (when
// the bridge identifies streams) and "ieee802-dot1cb-frer:frer" (when it generates or recovers
// sequence numbers). Empty object for a bridge without streams. Throws std::range_error when a
// value does not fit its leaf, std::invalid_argument when protection names an unknown stream.
nlohmann::ordered_json stream_protection_yang(const bridge::BridgeConfig& config,
                                              const ProtectionYangOptions& options = {});

// "02:00:00:00:00:01" -> "02-00-00-00-00-01" (ieee802-types mac-address, upper case).
std::string yang_mac_address(const MacAddress& mac);

// YANG modules a validator must load for this content, besides the sched-bridge ones, and the
// features it uses (yanglint -F).
std::vector<std::string> stream_protection_modules();
std::vector<std::string> stream_protection_features();  // "module:feature"

}  // namespace takt::exporter
