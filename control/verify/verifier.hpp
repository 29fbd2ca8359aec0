#pragma once
// The independent check of a plan against its plant. It never calls the synthesiser: it
// re-derives wire times from the plant (dataplane/core/wire.hpp), replays every frame instance
// over the hyperperiod against the gate control lists actually in the plan, and reports what
// does not hold. A plan with any issue here is a bug, never an output.
//
// Checked: routes follow the plant's links from talker to every listener; window lengths hold
// the frames at the link's rate; hop causality (a window opens no earlier than the upstream
// window start + wire time + propagation + max processing delay + sync error budget); talker
// offsets within earliest/latest-transmit-offset; max-latency and jitter; every frame inside an
// open gate of its traffic class for its whole length, with every non-scheduled class closed;
// no two transmissions overlap on a port, counting the time a frame can leave early when its
// gate is already open; frame isolation (a scheduled queue never holds frames of two windows:
// occupancies [earliest enqueue, window end) are disjoint per port and class); gate control
// lists sum to the cycle and respect entry count, min interval, granularity, queue count, one
// window per queue and max cycle time; cycles divide the hyperperiod.
#include "control/model/plant.hpp"
#include "control/routing/issue.hpp"
#include "control/schedule/plan.hpp"

namespace takt::schedule {

routing::Issues verify_plan(const Plan& plan, const model::Plant& plant);

}  // namespace takt::schedule
