#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "telemetry/histogram.hpp"
#include "telemetry/metric_values.hpp"

using takt::Nanos;
using takt::telemetry::HistogramSnapshot;
using takt::telemetry::LatencyBuckets;
using takt::telemetry::LatencyHistogram;
using takt::telemetry::ShardedCounter;

TEST_CASE("a histogram counts each observation once and sums it in ns", "[telemetry][histogram]") {
  LatencyHistogram h(LatencyBuckets::with_deadline(Nanos{250'000}), 1);
  const HistogramSnapshot empty = h.snapshot();
  CHECK(empty.count == 0);
  CHECK(empty.sum_ns == 0);

  h.record(0, Nanos{1'000});
  h.record(0, Nanos{250'000});
  h.record(0, Nanos{250'001});
  h.record(0, Nanos{100'000'000});
  h.record(0, Nanos{100'000'001});
  const HistogramSnapshot s = h.snapshot();
  CHECK(s.count == 5);
  CHECK(s.sum_ns == 1'000 + 250'000 + 250'001 + 100'000'000 + 100'000'001);
  CHECK(s.counts[0] == 1);    // le 1 us
  CHECK(s.counts[60] == 1);   // le 250 us, the deadline
  CHECK(s.counts[61] == 1);   // le 251.2 us
  CHECK(s.counts[126] == 1);  // le 100 ms, the top bound
  CHECK(s.counts[127] == 1);  // +Inf
  CHECK(h.buckets().bucket_count() == 128);
}

TEST_CASE("a negative latency counts in the first bucket without lowering the sum", "[telemetry][histogram]") {
  LatencyHistogram h(LatencyBuckets::standard(), 1);
  h.record(0, Nanos{5'000});
  h.record(0, Nanos{-300});
  const HistogramSnapshot s = h.snapshot();
  CHECK(s.count == 2);
  CHECK(s.counts[0] == 1);
  CHECK(s.sum_ns == 5'000);
}

TEST_CASE("a histogram or counter without writers is rejected", "[telemetry][histogram]") {
  CHECK_THROWS_WITH(LatencyHistogram(LatencyBuckets::standard(), 0), Catch::Contains("at least one writer"));
  CHECK_THROWS_AS(ShardedCounter(0), std::invalid_argument);
}

TEST_CASE("per-writer shards merge to exact totals while a scraper reads", "[telemetry][histogram][threads]") {
  constexpr std::size_t writers = 4;
  constexpr std::int64_t per_writer = 250'000;
  const LatencyBuckets buckets = LatencyBuckets::with_deadline(Nanos{250'000});
  LatencyHistogram h(buckets, writers);
  ShardedCounter frames(writers);

  // Deterministic spread over every bucket including +Inf; each writer its own sequence.
  auto latency_of = [](std::size_t w, std::int64_t i) {
    return static_cast<std::int64_t>((static_cast<std::uint64_t>(i) * 7'919 + w * 104'729) % 120'000'000);
  };

  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  bool monotonic = true;
  std::thread scraper([&] {
    HistogramSnapshot previous;
    while (!done.load()) {
      const HistogramSnapshot s = h.snapshot();
      std::uint64_t cumulative = 0, previous_cumulative = 0;
      for (std::size_t i = 0; i < buckets.bucket_count(); ++i) {
        cumulative += s.counts[i];
        previous_cumulative += previous.counts[i];
        // Cumulative bucket counts, the sum and the count never go backwards between scrapes.
        if (cumulative < previous_cumulative || s.counts[i] < previous.counts[i]) monotonic = false;
      }
      if (s.count != cumulative || s.sum_ns < previous.sum_ns || s.count < previous.count) monotonic = false;
      previous = s;
      scrapes.fetch_add(1);
    }
  });

  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (std::int64_t i = 0; i < per_writer; ++i) {
        h.record(w, Nanos{latency_of(w, i)});
        frames.add(w);
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  scraper.join();

  HistogramSnapshot expected;
  for (std::size_t w = 0; w < writers; ++w) {
    for (std::int64_t i = 0; i < per_writer; ++i) {
      const std::int64_t ns = latency_of(w, i);
      ++expected.counts[buckets.index_of(ns)];
      expected.sum_ns += static_cast<std::uint64_t>(ns);
    }
  }
  const HistogramSnapshot got = h.snapshot();
  CHECK(monotonic);
  CHECK(scrapes.load() > 0);
  CHECK(got.count == writers * per_writer);
  CHECK(got.sum_ns == expected.sum_ns);
  CHECK(got.counts == expected.counts);
  CHECK(got.counts[buckets.bucket_count() - 1] > 0);  // the spread reached +Inf
  CHECK(frames.value() == writers * per_writer);
}

TEST_CASE("recording a run at once counts exactly as recording each", "[telemetry][histogram]") {
  LatencyHistogram each(LatencyBuckets::with_deadline(Nanos{250'000}), 2);
  LatencyHistogram run(LatencyBuckets::with_deadline(Nanos{250'000}), 2);
  // Stretches in one bucket, bucket changes both ways, bounds themselves, negatives, +Inf.
  const std::vector<Nanos> latencies{Nanos{-5},      Nanos{1'000},   Nanos{999},         Nanos{1'001},
                                     Nanos{1'500},   Nanos{1'600},   Nanos{250'000},     Nanos{250'001},
                                     Nanos{250'000}, Nanos{900},     Nanos{199'999'999}, Nanos{199'999'999},
                                     Nanos{0},       Nanos{600'000}, Nanos{600'000},     Nanos{7}};
  for (const Nanos l : latencies) each.record(1, l);
  run.record_many(1, latencies);
  run.record_many(1, {});  // nothing
  const HistogramSnapshot a = each.snapshot();
  const HistogramSnapshot b = run.snapshot();
  CHECK(b.count == latencies.size());
  CHECK(b.count == a.count);
  CHECK(b.sum_ns == a.sum_ns);
  CHECK(b.counts == a.counts);
  CHECK(b.counts[0] == 6);  // le 1 us: -5, 1000, 999, 900, 0 and 7
}

TEST_CASE("a tally of one bucket adds exactly what recording each would", "[telemetry][histogram]") {
  const LatencyBuckets buckets = LatencyBuckets::with_deadline(Nanos{250'000});
  LatencyHistogram each(buckets, 2);
  LatencyHistogram tallied(buckets, 2);
  // A burst of 32 frames 6.72 ns apart (64-byte frames at 100 Gb/s) inside one bucket, one on a
  // bound (inclusive), latencies in the first bucket from 0, and past the last bound (+Inf).
  std::vector<std::vector<Nanos>> groups(4);
  for (int i = 0; i < 32; ++i) groups[0].push_back(Nanos{115'000 + i * 6'720 / 1000});
  groups[1] = {Nanos{1'001}, Nanos{1'096}};
  groups[2] = {Nanos{0}, Nanos{7}, Nanos{1'000}};
  groups[3] = {Nanos{200'000'000}, Nanos{900'000'000}};
  for (const auto& group : groups) {
    std::uint64_t sum = 0;
    for (const Nanos l : group) {
      each.record(1, l);
      sum += static_cast<std::uint64_t>(l.count());
    }
    const std::size_t bucket = buckets.index_of(group.front().count());
    REQUIRE(buckets.index_of(group.back().count()) == bucket);
    tallied.record_in_bucket(1, bucket, group.size(), sum);
  }
  const HistogramSnapshot a = each.snapshot(), b = tallied.snapshot();
  CHECK(b.counts == a.counts);
  CHECK(b.sum_ns == a.sum_ns);
  CHECK(b.count == 32 + 2 + 3 + 2);
  CHECK(b.counts[0] == 3);
  CHECK(b.counts[buckets.bucket_count() - 1] == 2);
}
