#include "telemetry/histogram.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace takt::telemetry {

namespace {

// 10^(k/25) x 1000 for k = 0..24, rounded to the nearest ns: the 1 us decade, which the others
// repeat x 10. Integers, so every bound is exact and every decade the same digits; the widest
// step is 1445 -> 1585 (x 1.0969), the narrowest 1000 -> 1096 (x 1.096).
constexpr std::array<std::int64_t, 25> decade_ns = {1'000, 1'096, 1'202, 1'318, 1'445, 1'585, 1'738, 1'905, 2'089,
                                                    2'291, 2'512, 2'754, 3'020, 3'311, 3'631, 3'981, 4'365, 4'786,
                                                    5'248, 5'754, 6'310, 6'918, 7'586, 8'318, 9'120};
constexpr int decades = 5;  // 1 us .. 100 ms
constexpr std::size_t series_size = decades * decade_ns.size() + 1;

constexpr std::array<std::int64_t, series_size> log_linear_ns = [] {
  std::array<std::int64_t, series_size> out{};
  std::size_t n = 0;
  std::int64_t scale = 1;
  for (int d = 0; d < decades; ++d, scale *= 10) {
    for (std::int64_t m : decade_ns) out[n++] = m * scale;
  }
  out[n] = decade_ns.front() * scale;  // 100 ms closes the last decade
  return out;
}();

// Room for the deadline's bound beside the whole series.
static_assert(log_linear_ns.size() + 1 <= LatencyBuckets::max_bounds);
static_assert(log_linear_ns.back() == 100'000'000);

std::string describe_ns(std::int64_t ns) { return std::to_string(ns) + " ns"; }

}  // namespace

LatencyBuckets::LatencyBuckets(std::span<const Nanos> upper_bounds) {
  if (upper_bounds.size() > max_bounds) {
    throw std::invalid_argument("histogram has " + std::to_string(upper_bounds.size()) + " bucket bounds; at most " +
                                std::to_string(max_bounds) + " fit the branch-free lookup");
  }
  bounds_.fill(std::numeric_limits<std::int64_t>::max());
  std::int64_t previous = 0;
  for (Nanos b : upper_bounds) {
    const std::int64_t ns = b.count();
    if (ns <= previous) {
      throw std::invalid_argument(ns <= 0 ? "histogram bucket bound " + describe_ns(ns) + " must be positive"
                                          : "histogram bucket bounds must be strictly ascending: " + describe_ns(ns) +
                                                " follows " + describe_ns(previous));
    }
    if (ns == std::numeric_limits<std::int64_t>::max()) {
      throw std::invalid_argument("histogram bucket bound " + describe_ns(ns) + " is reserved for the +Inf bucket");
    }
    bounds_[size_++] = ns;
    previous = ns;
  }
}

LatencyBuckets LatencyBuckets::standard() {
  LatencyBuckets b;
  b.bounds_.fill(std::numeric_limits<std::int64_t>::max());
  std::copy(log_linear_ns.begin(), log_linear_ns.end(), b.bounds_.begin());
  b.size_ = log_linear_ns.size();
  return b;
}

LatencyBuckets LatencyBuckets::with_deadline(Nanos max_latency) {
  if (max_latency.count() <= 0) {
    throw std::invalid_argument("max-latency " + describe_ns(max_latency.count()) +
                                " cannot be a histogram bucket bound; it must be positive");
  }
  std::vector<Nanos> bounds;
  bounds.reserve(log_linear_ns.size() + 1);
  for (std::int64_t ns : log_linear_ns) bounds.emplace_back(ns);
  auto at = std::lower_bound(bounds.begin(), bounds.end(), max_latency);
  if (at == bounds.end() || *at != max_latency) bounds.insert(at, max_latency);
  return LatencyBuckets(bounds);
}

LatencyHistogram::LatencyHistogram(LatencyBuckets buckets, std::size_t writers) : buckets_(buckets), writers_(writers) {
  if (writers == 0) throw std::invalid_argument("a histogram needs at least one writer");
  shards_.reset(new Shard[writers]);
}

HistogramSnapshot LatencyHistogram::snapshot() const {
  HistogramSnapshot snap;
  const std::size_t n = buckets_.bucket_count();
  for (std::size_t w = 0; w < writers_; ++w) {
    const Shard& s = shards_[w];
    for (std::size_t i = 0; i < n; ++i) snap.counts[i] += s.counts[i].load(std::memory_order_relaxed);
    snap.sum_ns += s.sum_ns.load(std::memory_order_relaxed);
  }
  for (std::size_t i = 0; i < n; ++i) snap.count += snap.counts[i];
  return snap;
}

}  // namespace takt::telemetry
