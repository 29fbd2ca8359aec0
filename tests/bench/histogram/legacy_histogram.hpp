#pragma once
// The histogram as it was before issue 14, kept only as the bench's baseline: 1-2-5 bounds from
// 1 us to 10 ms plus the deadline (at most 15 bounds, 16 slots, a four-step lookup) and shards
// of 16 counters. Same recording code as telemetry/histogram.hpp otherwise, so the ratio
// measures the wider table and the two extra halving steps, nothing else.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>

#include "dataplane/core/time.hpp"

namespace takt::bench {

class LegacyHistogram {
 public:
  static constexpr std::size_t max_buckets = 16;

  LegacyHistogram(Nanos max_latency, std::size_t writers) : shards_(new Shard[writers]) {
    constexpr std::array<std::int64_t, 13> one_two_five = {1'000,     2'000,     5'000,     10'000,  20'000,
                                                           50'000,    100'000,   200'000,   500'000, 1'000'000,
                                                           2'000'000, 5'000'000, 10'000'000};
    bounds_.fill(std::numeric_limits<std::int64_t>::max());
    std::size_t n = 0;
    bool placed = false;
    for (std::int64_t b : one_two_five) {
      if (!placed && max_latency.count() <= b) {
        if (max_latency.count() < b) bounds_[n++] = max_latency.count();
        placed = true;
      }
      bounds_[n++] = b;
    }
    if (!placed) bounds_[n++] = max_latency.count();
  }

  std::size_t index_of(std::int64_t ns) const noexcept {
    std::size_t i = 0;
    i += static_cast<std::size_t>(bounds_[i + 7] < ns) * 8;
    i += static_cast<std::size_t>(bounds_[i + 3] < ns) * 4;
    i += static_cast<std::size_t>(bounds_[i + 1] < ns) * 2;
    i += static_cast<std::size_t>(bounds_[i] < ns);
    return i;
  }

  void record(std::size_t writer, Nanos latency) noexcept {
    const std::int64_t ns = latency.count();
    Shard& s = shards_[writer];
    bump(s.counts[index_of(ns)], 1);
    bump(s.sum_ns, static_cast<std::uint64_t>(ns < 0 ? 0 : ns));
  }

  void record_many(std::size_t writer, std::span<const Nanos> latencies) noexcept {
    if (latencies.empty()) return;
    Shard& s = shards_[writer];
    std::size_t bucket = index_of(latencies.front().count());
    std::uint64_t in_bucket = 0;
    std::uint64_t sum = 0;
    for (const Nanos latency : latencies) {
      const std::int64_t ns = latency.count();
      const std::size_t i = index_of(ns);
      if (i != bucket) {
        bump(s.counts[bucket], in_bucket);
        bucket = i;
        in_bucket = 0;
      }
      ++in_bucket;
      sum += static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
    }
    bump(s.counts[bucket], in_bucket);
    bump(s.sum_ns, sum);
  }

  std::uint64_t count(std::size_t writer) const {
    std::uint64_t n = 0;
    for (const auto& c : shards_[writer].counts) n += c.load(std::memory_order_relaxed);
    return n;
  }

 private:
  struct alignas(64) Shard {
    std::array<std::atomic<std::uint64_t>, max_buckets> counts{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  static void bump(std::atomic<std::uint64_t>& cell, std::uint64_t n) noexcept {
    cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::array<std::int64_t, max_buckets> bounds_{};
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace takt::bench
