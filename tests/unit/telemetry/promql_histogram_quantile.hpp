#pragma once
// Prometheus' histogram_quantile() over one classic histogram, as promql/quantile.go's
// bucketQuantile computes it, so a test can say what a dashboard would show: rank = q x count;
// the first bucket whose cumulative count is >= rank holds the quantile, placed linearly between
// the bucket's lower bound (the previous bound, 0 for the first bucket) and its upper bound; a
// rank in the +Inf bucket answers the highest finite bound.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "telemetry/histogram.hpp"

namespace takt::telemetry::testing {

// In seconds, like PromQL; NaN for an empty histogram.
inline double promql_histogram_quantile(double q, const LatencyBuckets& buckets, const HistogramSnapshot& snap) {
  if (std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  const auto bounds = buckets.upper_bounds_ns();
  const double observations = static_cast<double>(snap.count);
  if (bounds.empty() || observations == 0) return std::numeric_limits<double>::quiet_NaN();
  double rank = q * observations;
  // sort.Search over the finite buckets: the first whose cumulative count reaches rank.
  double cumulative = 0;
  std::size_t b = 0;
  for (; b < bounds.size(); ++b) {
    cumulative += static_cast<double>(snap.counts[b]);
    if (cumulative >= rank) break;
  }
  const auto seconds = [&](std::size_t i) { return static_cast<double>(bounds[i]) / 1e9; };
  if (b == bounds.size()) return seconds(bounds.size() - 1);
  double count = static_cast<double>(snap.counts[b]);
  double start = 0;
  if (b > 0) {
    start = seconds(b - 1);
    rank -= cumulative - count;  // the cumulative count of the bucket below
  }
  return start + (seconds(b) - start) * (rank / count);
}

}  // namespace takt::telemetry::testing
