#pragma once
// One writer's running tally of the histogram bucket it last recorded into, on one cache line.
//
// For a packet loop whose frames sweep the CPU caches between two bursts: recording straight into
// a LatencyHistogram then waits, per burst, on a chain of lines gone cold (the histogram, its
// bucket bounds for seven dependent halving steps, its shard). Latencies that fall in the bucket
// held here cost two comparisons and two additions in this line instead; the tally reaches the
// histogram when the bucket changes and at flush(), which the loop calls now and then.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "dataplane/core/time.hpp"
#include "telemetry/histogram.hpp"

namespace takt::telemetry {

class alignas(64) BucketTally {
 public:
  BucketTally(LatencyHistogram& histogram, std::size_t writer) : histogram_(&histogram), writer_(writer) {}

  // Whether a latency of `ns` falls in the bucket held: add() may count it.
  bool holds(std::int64_t ns) const noexcept { return ns > lower_ && ns <= upper_; }
  // The held bucket's upper bound (inclusive).
  std::int64_t upper() const noexcept { return upper_; }
  // Holds the bucket of a latency of `ns` >= 0 from now on, the tally so far added to the
  // histogram. Latencies mostly rise or fall by a bucket at a time, so the neighbours are tried
  // before a search.
  void hold(std::int64_t ns) noexcept {
    assert(ns >= 0);
    flush();
    const auto bounds = histogram_->buckets().padded_bounds_ns();
    if (ns > upper_ && bucket_ + 1 < LatencyBuckets::max_buckets && ns <= bounds[bucket_ + 1])
      ++bucket_;
    else if (ns <= lower_ && bucket_ > 0 && (bucket_ == 1 || ns > bounds[bucket_ - 2]))
      --bucket_;
    else
      bucket_ = histogram_->buckets().index_of(ns);
    // The first bucket holds the negatives too, but record() counts their sum as 0: only
    // latencies from 0 on are tallied.
    lower_ = bucket_ == 0 ? -1 : bounds[bucket_ - 1];
    upper_ = bounds[bucket_];
  }
  // `count` latencies in the held bucket, summing to `sum_ns`.
  void add(std::uint64_t count, std::uint64_t sum_ns) noexcept {
    count_ += count;
    sum_ns_ += sum_ns;
  }

  // `count` latencies first_ns, first_ns + step_ns, first_ns + 2 * step_ns, ... (step_ns >= 0;
  // frames sent back to back): the stretch that falls in one bucket is found by a division and
  // tallied at once, so a group costs a few operations per bucket it spans, not per latency.
  // Negative latencies (a clock-mapping error upstream) are recorded apart as record() counts them.
  void add_evenly(std::uint64_t count, std::int64_t first_ns, std::int64_t step_ns) noexcept {
    assert(step_ns >= 0);
    if (count == 0) return;
    const std::int64_t last_ns = first_ns + static_cast<std::int64_t>(count - 1) * step_ns;
    std::uint64_t j = 0;
    while (j < count) {
      const std::int64_t ns = first_ns + static_cast<std::int64_t>(j) * step_ns;
      if (ns < 0) {
        histogram_->record(writer_, Nanos{ns});
        ++j;
        continue;
      }
      if (!holds(ns)) hold(ns);
      // The stretch ends at the last i with first_ns + i * step_ns <= upper_ (upper_ >= ns, so
      // step_ns > 0 when it ends before the group does).
      const std::uint64_t end =
          last_ns <= upper_ ? count - 1 : static_cast<std::uint64_t>((upper_ - first_ns) / step_ns);
      const std::uint64_t n = end - j + 1;
      add(n, n * static_cast<std::uint64_t>(ns) + static_cast<std::uint64_t>(step_ns) * (n * (n - 1) / 2));
      j = end + 1;
    }
  }

  // Adds the tally to the histogram.
  void flush() noexcept {
    if (count_ == 0) return;
    histogram_->record_in_bucket(writer_, bucket_, count_, sum_ns_);
    count_ = 0;
    sum_ns_ = 0;
  }

 private:
  LatencyHistogram* histogram_;
  std::size_t writer_;
  std::size_t bucket_ = 0;
  // No bucket yet: every latency is outside (max, min].
  std::int64_t lower_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t upper_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t count_ = 0;
  std::uint64_t sum_ns_ = 0;
};
static_assert(sizeof(BucketTally) == 64);

}  // namespace takt::telemetry
