#include "tools/cell_report/late_frame_accounting.hpp"

#include <algorithm>

namespace takt::cell_report {

LateFrameAccounting::LateFrameAccounting(const StallsByNode& stalls, const std::vector<std::string>& path_nodes,
                                         std::int64_t max_latency_ns)
    : max_latency_ns_(max_latency_ns) {
  for (const auto& node : path_nodes) {
    const auto& of_node = stalls.of(node);
    stalls_.insert(stalls_.end(), of_node.begin(), of_node.end());
  }
}

bool LateFrameAccounting::explains(const LateFrame& frame) const {
  // Inclusive at both ends: a stall that ends at the very nanosecond of the send still held
  // the node then.
  const auto deadline = frame.transmitted_ns + max_latency_ns_;
  return std::any_of(stalls_.begin(), stalls_.end(),
                     [&](const HostStall& s) { return s.start_ns <= deadline && s.end_ns >= frame.transmitted_ns; });
}

std::uint64_t LateFrameAccounting::explained(const std::vector<LateFrame>& frames) const {
  return static_cast<std::uint64_t>(
      std::count_if(frames.begin(), frames.end(), [&](const LateFrame& f) { return explains(f); }));
}

std::optional<double> LateFrameAccounting::stall_chance(const SendWindow& window) const {
  if (!window.valid()) return std::nullopt;
  // A frame sent at t is explained by a stall [start, end] when start - deadline <= t <= end.
  std::vector<std::pair<std::int64_t, std::int64_t>> explaining;
  for (const auto& s : stalls_) explaining.emplace_back(s.start_ns - max_latency_ns_, s.end_ns);
  const auto lo = *window.first_ns;
  const auto hi = *window.until_ns;
  return static_cast<double>(covered_ns(std::move(explaining), lo, hi)) / static_cast<double>(hi - lo);
}

std::int64_t covered_ns(std::vector<std::pair<std::int64_t, std::int64_t>> intervals, std::int64_t lo,
                        std::int64_t hi) {
  for (auto& [a, b] : intervals) {
    a = std::max(a, lo);
    b = std::min(b, hi);
  }
  std::erase_if(intervals, [](const auto& i) { return i.second <= i.first; });
  std::sort(intervals.begin(), intervals.end());
  std::int64_t total = 0;
  std::int64_t end = lo;
  for (const auto& [a, b] : intervals) {
    if (b <= end) continue;
    total += b - std::max(a, end);
    end = b;
  }
  return total;
}

}  // namespace takt::cell_report
