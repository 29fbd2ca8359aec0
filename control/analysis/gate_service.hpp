#pragma once
// What a port's gate control list leaves for one traffic class without reserved windows, as a
// rate-latency service curve. Time counts as open for the class only where its gate is open and
// no scheduled class's gate is (scheduled frames may use any time their gates hold); each open
// stretch loses its last `guard` (a length-aware guard band does not start a frame that would not
// end before the gate closes, so up to one maximum frame's wire time goes unused). The curve is
// the best rate-latency lower bound of that periodic pattern: the long-term open share of the
// link rate, after the worst wait that the closed stretches can impose from any starting point.
#include <cstdint>

#include "control/analysis/curves.hpp"
#include "control/schedule/plan.hpp"

namespace takt::analysis {

struct GateService {
  RateLatency curve;
  Nanos cycle{0};           // 0: no gate control list, the class is always open
  Nanos open_per_cycle{0};  // after guard bands
  Nanos longest_closed{0};  // longest stretch the class cannot send, guard bands included
};

// `port` may be null (a port without scheduled windows: every gate always open).
GateService gate_service(const schedule::PortPlan* port, int traffic_class, std::int64_t link_rate_bps, Nanos guard);

}  // namespace takt::analysis
