#include "telemetry/histogram.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace takt::telemetry {

namespace {

constexpr std::array<std::int64_t, 13> one_two_five_ns = {
    1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000, 200'000, 500'000, 1'000'000, 2'000'000, 5'000'000, 10'000'000,
};

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
  std::copy(one_two_five_ns.begin(), one_two_five_ns.end(), b.bounds_.begin());
  b.size_ = one_two_five_ns.size();
  return b;
}

LatencyBuckets LatencyBuckets::with_deadline(Nanos max_latency) {
  if (max_latency.count() <= 0) {
    throw std::invalid_argument("max-latency " + describe_ns(max_latency.count()) +
                                " cannot be a histogram bucket bound; it must be positive");
  }
  std::vector<Nanos> bounds;
  bounds.reserve(one_two_five_ns.size() + 1);
  for (std::int64_t ns : one_two_five_ns) bounds.emplace_back(ns);
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
