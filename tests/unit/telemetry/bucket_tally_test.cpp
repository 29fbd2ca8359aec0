#include <catch2/catch.hpp>

#include <random>

#include "telemetry/bucket_tally.hpp"

using namespace takt;
using namespace takt::telemetry;

TEST_CASE("a bucket tally adds up to exactly what recording each latency would", "[telemetry][histogram]") {
  const LatencyBuckets buckets = LatencyBuckets::with_deadline(Nanos{250'000});
  LatencyHistogram each(buckets, 2);
  LatencyHistogram tallied(buckets, 2);
  BucketTally tally(tallied, 1);
  std::mt19937_64 rng(5);
  // Groups of frames sent back to back: latencies from below 0 (a clock error) through every
  // decade to past the last bound, spans inside one bucket and across several; the next group
  // mostly near the last (a bucket up or down), now and then far away.
  std::int64_t level = 3'000;
  int flushes = 0;
  for (int g = 0; g < 20'000; ++g) {
    const std::uint64_t kind = rng() % 10;
    if (kind == 0)
      level = static_cast<std::int64_t>(rng() % 300'000'000) - 2'000;
    else if (kind < 5)
      level += static_cast<std::int64_t>(rng() % 2'000) - 1'000;
    else if (kind == 9)
      level = static_cast<std::int64_t>(rng() % 4'000) - 2'000;
    level = std::max<std::int64_t>(level, -3'000);
    // Evenly spaced, as frames of one length sent back to back; now and then all at once.
    std::int64_t latency = level;
    const std::int64_t gap = rng() % 8 == 0 ? 0 : 1 + static_cast<std::int64_t>(rng() % 300);
    const std::uint64_t n = 1 + rng() % 40;
    for (std::uint64_t i = 0; i < n; ++i, latency += gap) each.record(1, Nanos{latency});
    tally.add_evenly(n, level, gap);
    if (rng() % 50 == 0) {
      tally.flush();
      ++flushes;
      const HistogramSnapshot a = each.snapshot(), b = tallied.snapshot();
      REQUIRE(b.counts == a.counts);
      REQUIRE(b.sum_ns == a.sum_ns);
    }
  }
  tally.flush();
  tally.flush();  // nothing more
  const HistogramSnapshot a = each.snapshot(), b = tallied.snapshot();
  CHECK(flushes > 100);
  CHECK(b.count == a.count);
  CHECK(b.counts == a.counts);
  CHECK(b.sum_ns == a.sum_ns);
  CHECK(a.counts[0] > 0);                           // negatives and the first bucket
  CHECK(a.counts[buckets.bucket_count() - 1] > 0);  // +Inf
  CHECK(tallied.snapshot().counts == each.snapshot().counts);
}

TEST_CASE("a bucket tally holds a latency's bucket, its neighbours found without a search", "[telemetry][histogram]") {
  LatencyHistogram h(LatencyBuckets::standard(), 1);
  BucketTally tally(h, 0);
  CHECK_FALSE(tally.holds(0));  // nothing held yet
  tally.hold(1'050);            // (1000, 1096]
  CHECK(tally.holds(1'001));
  CHECK(tally.holds(1'096));
  CHECK_FALSE(tally.holds(1'000));
  CHECK(tally.upper() == 1'096);
  tally.hold(1'100);  // up one
  CHECK(tally.upper() == 1'202);
  tally.hold(999);  // down two: the first bucket, from 0
  CHECK(tally.upper() == 1'000);
  CHECK(tally.holds(0));
  CHECK_FALSE(tally.holds(-1));
  tally.hold(50'000'000);
  CHECK(tally.upper() == 52'480'000);
  tally.hold(200'000'000);  // past the last bound
  CHECK(tally.holds(std::numeric_limits<std::int64_t>::max()));
  tally.add(2, 400'000'000);
  CHECK(h.snapshot().count == 0);  // not until flushed
  tally.flush();
  CHECK(h.snapshot().count == 2);
  CHECK(h.snapshot().counts[LatencyBuckets::standard().bucket_count() - 1] == 2);
}
