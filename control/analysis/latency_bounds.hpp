#pragma once
// Worst-case end-to-end latency bounds for the streams without reserved windows (bounded and
// best-effort), by network calculus with total flow analysis and per-hop burst propagation:
//   - arrivals: each stream's 802.1Qcc TSpec as a token bucket (frames per interval of their
//     wire size, every `interval`), the burst widened by the talker's transmission timing error;
//   - service: per egress port and traffic class, what the gate control list leaves
//     (gate_service.hpp), minus the classes above it that the same gates let through, minus one
//     lower-priority maximum frame already on the wire;
//   - per hop: the FIFO delay of the class aggregate there, the transmitting node's timing error,
//     the cable, and the receiving bridge's worst processing delay; the burst entering the next
//     hop grows by the stream's rate times the delay variation of this one;
//   - ports whose bounds depend on each other in a cycle (rings) are iterated to the least fixed
//     point; no fixed point within the limit is reported as unstable.
// Exact integer nanoseconds, every rounding towards the safe side. Scheduled streams are not
// analysed here: their windows give them their worst case (control/schedule).
#include <cstdint>
#include <string>
#include <vector>

#include "control/analysis/curves.hpp"
#include "control/model/plant.hpp"
#include "control/routing/issue.hpp"
#include "control/schedule/plan.hpp"

namespace takt::analysis {

// One hop of a listener's path and what it adds to the bound.
struct HopBound {
  model::PortRef egress;
  int traffic_class = 0;
  Nanos queueing{0};  // FIFO delay bound of the class at this port, own transmission included
  Nanos fixed{0};     // timing error, cable, processing at the receiving bridge
  Nanos total() const { return queueing + fixed; }
};

struct ListenerBound {
  std::string listener;
  int tree = 0;  // which seamless tree (FRER), 0 without redundancy
  Nanos bound{0};
  std::vector<HopBound> hops;  // talker first
  const HopBound* dominant() const;
};

struct StreamBound {
  std::string stream;
  model::TrafficClassKind kind = model::TrafficClassKind::bounded;
  Nanos max_latency{0};
  TokenBucket tspec;                     // at the talker
  std::vector<ListenerBound> listeners;  // one per listener and tree
  Nanos worst() const;
};

// One traffic class at one egress port.
struct PortClassLoad {
  model::PortRef port;
  int traffic_class = 0;
  std::int64_t link_rate_bps = 0;
  std::int64_t needed_bps = 0;     // long-term rate of the class's streams here
  std::int64_t available_bps = 0;  // what gates and higher classes leave it
  Nanos gate_latency{0};
  Nanos delay{0};          // the class's FIFO delay bound here
  double gated_share = 0;  // share of the cycle the class cannot send (guard bands in)
  std::vector<std::string> streams;
};

struct AnalysisResult {
  std::vector<StreamBound> streams;  // bounded and best-effort streams, in plan order
  std::vector<PortClassLoad> ports;  // every (port, class) carrying them, sorted
  int iterations = 0;                // fixed-point passes
  // Admission: overloaded ports (naming the port, the rates and the streams) and bounded
  // streams whose bound exceeds max-latency (naming the stream, the port that dominates and by
  // how much it misses). Best-effort streams never fail admission.
  routing::Issues issues;
  routing::Issues warnings;  // best-effort streams over their max-latency
  bool ok() const { return issues.empty(); }
};

AnalysisResult analyse_latency(const schedule::Plan& plan, const model::Plant& plant);

}  // namespace takt::analysis
