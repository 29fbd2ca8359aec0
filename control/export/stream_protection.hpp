#pragma once
// The 802.1Qci and 802.1CB configuration of one bridge, cut out of a plan.
//
// Stream filters: every stream this bridge identifies gets a filter at each port it enters
// through, on its priority, with
//   - max SDU: its largest frame on that link (R-TAG included where the frame carries one);
//   - a flow meter from its TSpec: CIR = frames x size per interval, CBS = that burst times
//     (1 + burst tolerance): a talker may send one interval's frames late and the next on time
//     without being metered red;
//   - for scheduled streams, a stream gate open only while the plan has the stream arriving at
//     that port: the upstream window, shifted by the link's propagation, widened at both ends by
//     the sync error budget, at the end by the receiving bridge's worst processing delay, and at
//     the start back to the upstream arrival where the plan lets the frame leave early;
//   - where the plan queues the stream's frames out of this bridge by an internal priority
//     (schedule::Hop::internal_priority), that IPV on the filter's stream gate, on a gate that
//     is always open where the filter would otherwise have none (stream gates off, or shared
//     identification).
// Wildcard filters with a gate that never opens drop every frame on a scheduled stream's
// priority that no filter matched: unidentified traffic never enters a scheduled queue.
//
// FRER: the bridge that receives a redundant stream over the access link both trees share
// generates its sequence numbers; the bridge where a hop has two upstream hops (the trees meet
// in front of a single-homed listener) recovers them with the vector algorithm.
#include <string>

#include "control/model/plant.hpp"
#include "dataplane/core/flow_meter.hpp"
#include "control/schedule/plan.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::exporter {

// Fills config.protection for bridge config.bridge, whose ports and streams are already set, as
// the plant's defaults.protection asks (model::ProtectionPolicy).
void add_stream_protection(bridge::BridgeConfig& config, const schedule::Plan& plan, const model::Plant& plant,
                           TaiTime base_time);

// Bytes from destination address to the end of the payload (FCS excluded) of the stream's
// largest frame: the size 802.1Qci's max SDU and the meter count.
std::int64_t frame_bytes(const schedule::StreamPlan& s, bool r_tag);

// The token bucket of the stream's TSpec for frames of `frame_bytes`: CIR = frames x size per
// interval (rounded up, so it never refills slower than the contract), CBS = that burst x
// (1 + burst_tolerance). What every bridge's flow meter polices the stream to and what its
// talker's end station shapes it to (station_config.hpp). Precondition: s.interval > 0.
FlowMeterConfig stream_flow_meter(const schedule::StreamPlan& s, std::int64_t frame_bytes, int burst_tolerance);

// When the plan has a scheduled stream's frames of `hop` arrive at the hop's ingress port,
// relative to the start of the stream's interval (either end may lie outside [0, interval)):
// the hop's window shifted by the link's propagation, from the first bit of the first frame to
// the last bit of the last, widened at both ends by the sync error budget and, where the plan
// lets the frame leave early through an open gate, at the start back to the earliest arrival
// from upstream. A bridge's stream gate opens for it (adding its own processing delay); an end
// station expects its frames in it.
struct ArrivalWindow {
  Nanos from{0};
  Nanos until{0};
};
ArrivalWindow arrival_window(const schedule::StreamPlan& s, const schedule::Hop& hop, Nanos sync_error_budget);

// Whether the frames of `hop` carry an R-TAG: between the bridge that generates the stream's
// sequence numbers and the one that recovers them.
bool carries_r_tag(const schedule::StreamPlan& s, int hop, const model::Plant& plant);

}  // namespace takt::exporter
