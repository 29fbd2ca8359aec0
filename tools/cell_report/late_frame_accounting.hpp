#pragma once
// Which late frames of a stream a host stall explains, and how often a stall would be there by
// chance.
//
// A late frame (received beyond its stream's max-latency) is put down to the host when a node
// of its path (its talker or a bridge it crosses) was stalled beyond its threshold after the
// frame was sent and before its deadline passed: such a stall can make the frame miss its
// window, which no plan holds. A stall that ended before the send, or began after the deadline
// (the frame already waited for a next window), did not make it late. Late frames no stall
// explains are faults of the schedule or the dataplane.

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "tools/cell_report/host_stalls.hpp"
#include "tools/cell_report/probe_summaries.hpp"

namespace takt::cell_report {

class LateFrameAccounting {
 public:
  // The stalls of every node in `path_nodes`; `max_latency_ns` is the stream's deadline.
  LateFrameAccounting(const StallsByNode& stalls, const std::vector<std::string>& path_nodes,
                      std::int64_t max_latency_ns);

  bool explains(const LateFrame& frame) const;
  std::uint64_t explained(const std::vector<LateFrame>& frames) const;

  // The share of the send window in which a frame sent at a random time would find a stall
  // of its path between its send and its deadline: what coincidence alone would explain.
  // None when the window is unknown or empty.
  std::optional<double> stall_chance(const SendWindow& window) const;

 private:
  std::vector<HostStall> stalls_;
  std::int64_t max_latency_ns_;
};

// The time of [lo, hi] that the intervals [first, second] cover together, overlaps counted once.
std::int64_t covered_ns(std::vector<std::pair<std::int64_t, std::int64_t>> intervals, std::int64_t lo, std::int64_t hi);

}  // namespace takt::cell_report
