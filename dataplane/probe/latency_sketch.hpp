#pragma once
// Latency quantiles for the probe's end-of-run summary. The Prometheus histogram's buckets are
// up to 9.7 % wide, enough for the on-time ratio and a dashboard's p99; this keeps
// log-linear buckets (64 per power of two, so any quantile is within 1/64 = 1.6 % of the true
// sample) plus the exact minimum and maximum. Single writer, read after the writer is done.
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "dataplane/core/time.hpp"

namespace takt::probe {

class LatencySketch {
 public:
  static constexpr int sub_bits = 6;  // 64 sub-buckets per power of two

  LatencySketch();

  // Negative latencies (clock error between talker and listener) count as 0 in quantiles but
  // keep their true value in min().
  void record(Nanos latency) noexcept;

  std::uint64_t count() const { return count_; }
  Nanos min() const { return Nanos{count_ ? min_ : 0}; }
  Nanos max() const { return Nanos{count_ ? max_ : 0}; }
  // q in [0, 1]: a value within 1.6 % of the sample of rank ceil(q x count), clamped to
  // [min, max]; 0 when empty.
  Nanos quantile(double q) const;

  static std::size_t index_of(std::uint64_t ns) noexcept;
  // Smallest value of bucket i (inverse of index_of).
  static std::uint64_t lower_bound_of(std::size_t i) noexcept;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace takt::probe
