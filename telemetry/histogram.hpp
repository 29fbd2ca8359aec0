#pragma once
// Latency histograms for the packet path: Prometheus classic buckets, one set of plain counters
// per writer (lcore or thread), summed only when scraped. Recording takes no lock and issues no
// read-modify-write instruction, so it costs a few nanoseconds and never stalls a core.
#include <array>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>

#include "dataplane/core/time.hpp"

namespace takt::telemetry {

// Upper bounds (inclusive, as Prometheus' "le") of a histogram's finite buckets, in ns; the
// +Inf bucket is implicit. At most 127 finite bounds, so the bounds padded with int64 max fill
// 128 slots and a lookup is seven branch-free halving steps. The eBPF station daemon runs the
// same search over a 128-slot map it fills from padded_bounds_ns(): keep both limits together.
class LatencyBuckets {
 public:
  static constexpr std::size_t max_bounds = 127;
  static constexpr std::size_t max_buckets = max_bounds + 1;  // including +Inf
  static_assert(max_buckets == 128, "index_of() halves 128 slots in seven steps");

  // Log-linear, 25 bounds a decade from 1 us to 100 ms (126 bounds): 10^(k/25) x 1000 rounded to
  // the nearest ns at the 1 us decade (1000, 1096, 1202, ... 8318, 9120) and scaled by ten per
  // decade, so every decade has the same digits and every bound is an exact integer of ns. A
  // bucket is at most 9.69 % wider than its lower bound (1445 -> 1585; 10^(1/25) is 1.0965).
  //
  // What that guarantees, for any distribution, not only smooth ones: histogram_quantile()
  // picks the bucket holding the rank q x count and interpolates inside it, and the exact
  // (nearest-rank) quantile is the observation at that rank, in the same bucket. Both lie in
  // one bucket (lower, upper], so whenever the exact quantile lies between 1 us and 100 ms
  // PromQL is off by less than (upper - lower) / lower, under 9.7 %. Scheduled streams, whose
  // latencies bunch within a few % and which the 12-a-decade buckets read up to 18 % off, are
  // covered as well as smooth distributions. Below 1 us Prometheus interpolates from 0, above
  // 100 ms it answers 100 ms. The deadline's bound only splits a bucket, so it keeps the
  // guarantee and makes the on-time ratio exact. 25 a decade is the most that spans five decades
  // and leaves room for a deadline in 127; 100 ms covers 10 ms+ deadlines and host stalls.
  static LatencyBuckets standard();
  // The standard series plus one bound at a stream's max-latency, so "fraction on time" is a
  // bucket ratio rather than an interpolation. A deadline equal to a standard bound adds nothing.
  static LatencyBuckets with_deadline(Nanos max_latency);

  // Any strictly ascending positive bounds, at most max_bounds; throws std::invalid_argument.
  explicit LatencyBuckets(std::span<const Nanos> upper_bounds);

  std::span<const std::int64_t> upper_bounds_ns() const { return {bounds_.data(), size_}; }
  // All 128 slots as index_of() searches them: the bounds, then int64 max up to the end.
  std::span<const std::int64_t, max_buckets> padded_bounds_ns() const { return bounds_; }
  std::size_t bucket_count() const { return size_ + 1; }

  // Index of the first bucket whose bound is >= ns; bucket_count() - 1 is +Inf. Branch-free:
  // it counts the bounds below ns by halving, and the int64 max padding is never below ns.
  // The deepest slot read is 126 (64 + 32 + 16 + 8 + 4 + 2), so slot 127 is padding only.
  std::size_t index_of(std::int64_t ns) const noexcept {
    std::size_t i = 0;
    i += static_cast<std::size_t>(bounds_[i + 63] < ns) * 64;
    i += static_cast<std::size_t>(bounds_[i + 31] < ns) * 32;
    i += static_cast<std::size_t>(bounds_[i + 15] < ns) * 16;
    i += static_cast<std::size_t>(bounds_[i + 7] < ns) * 8;
    i += static_cast<std::size_t>(bounds_[i + 3] < ns) * 4;
    i += static_cast<std::size_t>(bounds_[i + 1] < ns) * 2;
    i += static_cast<std::size_t>(bounds_[i] < ns);
    return i;
  }

  bool operator==(const LatencyBuckets&) const = default;

 private:
  LatencyBuckets() = default;

  std::array<std::int64_t, max_buckets> bounds_{};
  std::size_t size_ = 0;
};

// Sum over all writers at one moment. counts are per bucket (not cumulative); count is their
// total, so it always equals the +Inf cumulative count even while writers keep recording.
struct HistogramSnapshot {
  std::array<std::uint64_t, LatencyBuckets::max_buckets> counts{};
  std::uint64_t count = 0;
  std::uint64_t sum_ns = 0;
};

class LatencyHistogram {
  struct Shard;  // one writer's counters, below

 public:
  // writers: how many cores or threads record into it; each uses its own index in [0, writers).
  LatencyHistogram(LatencyBuckets buckets, std::size_t writers);

  // Only writer `writer` may call this with that index. Negative latencies (a clock-mapping
  // error upstream) count in the first bucket and add 0 to the sum, so _sum never decreases.
  void record(std::size_t writer, Nanos latency) noexcept {
    assert(writer < writers_);
    const std::int64_t ns = latency.count();
    Shard& s = shards_[writer];
    bump(s.counts[buckets_.index_of(ns)], 1);
    bump(s.sum_ns, static_cast<std::uint64_t>(ns < 0 ? 0 : ns));
  }

  // `count` latencies known to lie in bucket `bucket` (as index_of() finds it), none negative,
  // summing to `sum_ns`: what record() of each would add, for a writer that keeps its own
  // tally of the bucket it records into and adds it now and then.
  void record_in_bucket(std::size_t writer, std::size_t bucket, std::uint64_t count, std::uint64_t sum_ns) noexcept {
    assert(writer < writers_);
    assert(bucket < buckets_.bucket_count());
    Shard& s = shards_[writer];
    bump(s.counts[bucket], count);
    bump(s.sum_ns, sum_ns);
  }

  // record() for latencies given one at a time by one writer, cheaper for a run: consecutive
  // latencies mostly fall in one bucket, and each bucket's count is written once per stretch in
  // it. (Per latency, a count's load would wait for the store of the one before, at an address
  // known only late; the packet path's residence times paid about 5 ns a frame for that.) A
  // latency inside the current bucket (lower, upper] costs two comparisons instead of index_of's
  // seven dependent steps. Counts reach the histogram at finish() (or destruction).
  class Run {
   public:
    Run(LatencyHistogram& histogram, std::size_t writer) noexcept
        : histogram_(histogram), shard_(histogram.shards_[writer]) {
      assert(writer < histogram.writers_);
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    ~Run() { finish(); }

    void add(Nanos latency) noexcept {
      const std::int64_t ns = latency.count();
      if (ns <= lower_ || ns > upper_) [[unlikely]]
        enter(ns);
      ++in_bucket_;
      sum_ += static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
    }
    void finish() noexcept {
      if (in_bucket_ != 0) bump(shard_.counts[bucket_], in_bucket_);
      if (sum_ != 0) bump(shard_.sum_ns, sum_);
      in_bucket_ = 0;
      sum_ = 0;
    }

   private:
    void enter(std::int64_t ns) noexcept {
      if (in_bucket_ != 0) bump(shard_.counts[bucket_], in_bucket_);
      in_bucket_ = 0;
      const auto bounds = histogram_.buckets_.padded_bounds_ns();
      bucket_ = histogram_.buckets_.index_of(ns);
      lower_ = bucket_ == 0 ? std::numeric_limits<std::int64_t>::min() : bounds[bucket_ - 1];
      upper_ = bounds[bucket_];
    }

    LatencyHistogram& histogram_;
    Shard& shard_;
    std::size_t bucket_ = 0;
    // No bucket yet: every latency is outside (max, min].
    std::int64_t lower_ = std::numeric_limits<std::int64_t>::max();
    std::int64_t upper_ = std::numeric_limits<std::int64_t>::min();
    std::uint64_t in_bucket_ = 0;
    std::uint64_t sum_ = 0;
  };

  // record() for each of `latencies`, as a Run.
  void record_many(std::size_t writer, std::span<const Nanos> latencies) noexcept {
    Run run(*this, writer);
    for (const Nanos latency : latencies) run.add(latency);
  }

  // Safe from any thread, concurrently with record().
  HistogramSnapshot snapshot() const;

  const LatencyBuckets& buckets() const { return buckets_; }
  std::size_t writers() const { return writers_; }

 private:
  // 128 counters and the sum, 1032 bytes, rounded up to whole pairs of cache lines (1152 bytes):
  // two cores never write the same line, nor the neighbouring line the L2 spatial prefetcher
  // pulls with it.
  struct alignas(128) Shard {
    std::array<std::atomic<std::uint64_t>, LatencyBuckets::max_buckets> counts{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  static_assert(sizeof(Shard) == 1152);

  // Single writer per cell: a relaxed load and store (a plain add on x86) instead of a locked
  // fetch_add; atomics only so the scraper's concurrent reads are data-race free.
  static void bump(std::atomic<std::uint64_t>& cell, std::uint64_t n) noexcept {
    cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  LatencyBuckets buckets_;
  std::size_t writers_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace takt::telemetry
