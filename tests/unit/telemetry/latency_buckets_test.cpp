#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "telemetry/histogram.hpp"

using takt::Nanos;
using takt::telemetry::LatencyBuckets;

namespace {

std::vector<std::int64_t> bounds_of(const LatencyBuckets& b) {
  auto s = b.upper_bounds_ns();
  return {s.begin(), s.end()};
}

// The obvious linear search the branch-free lookup must agree with.
std::size_t reference_index(const LatencyBuckets& b, std::int64_t ns) {
  auto s = b.upper_bounds_ns();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (ns <= s[i]) return i;
  }
  return s.size();
}

// 10^(k/25) x 1000 rounded to the nearest ns, written out once here so the test does not share
// the code's table.
const std::vector<std::int64_t> first_decade = {1'000, 1'096, 1'202, 1'318, 1'445, 1'585, 1'738, 1'905, 2'089,
                                                2'291, 2'512, 2'754, 3'020, 3'311, 3'631, 3'981, 4'365, 4'786,
                                                5'248, 5'754, 6'310, 6'918, 7'586, 8'318, 9'120};

std::vector<std::int64_t> log_linear() {
  std::vector<std::int64_t> out;
  for (std::int64_t scale : {1, 10, 100, 1'000, 10'000})
    for (std::int64_t m : first_decade) out.push_back(m * scale);
  out.push_back(100'000'000);
  return out;
}

std::vector<std::int64_t> with(std::vector<std::int64_t> bounds, std::size_t at, std::int64_t ns) {
  bounds.insert(bounds.begin() + static_cast<std::ptrdiff_t>(at), ns);
  return bounds;
}

}  // namespace

TEST_CASE("standard buckets are log-linear, twenty-five a decade from 1 us to 100 ms", "[telemetry][buckets]") {
  const auto b = LatencyBuckets::standard();
  CHECK(bounds_of(b) == log_linear());
  CHECK(b.upper_bounds_ns().size() == 126);
  CHECK(b.bucket_count() == 127);  // 126 finite + +Inf
  CHECK(b.upper_bounds_ns().front() == 1'000);
  CHECK(b.upper_bounds_ns().back() == 100'000'000);
  // Every bucket from 1 us to 100 ms is at most 9.7 % wider than its lower bound: PromQL's
  // estimate and the exact quantile share a bucket, so it is off by less than that whatever the
  // distribution. And at least 9.5 % wider: no bound is wasted on a narrow step.
  const auto s = b.upper_bounds_ns();
  double widest = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    INFO("bounds " << s[i - 1] << " and " << s[i] << " ns");
    const double ratio = static_cast<double>(s[i]) / static_cast<double>(s[i - 1]);
    CHECK(ratio >= 1.095);
    CHECK(ratio <= 1.097);
    widest = std::max(widest, ratio);
  }
  CHECK(widest == Approx(1585.0 / 1445.0));  // 9.69 %, the rounding's worst step
  // A deadline's bound always fits beside the whole series.
  CHECK(s.size() < LatencyBuckets::max_bounds);
}

TEST_CASE("an observation equal to a bound falls in that bound's bucket (le is inclusive)", "[telemetry][buckets]") {
  const auto b = LatencyBuckets::standard();
  const auto bounds = log_linear();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    INFO("bound " << bounds[i] << " ns");
    CHECK(b.index_of(bounds[i]) == i);
    CHECK(b.index_of(bounds[i] + 1) == i + 1);
    CHECK(b.index_of(bounds[i] - 1) == (i == 0 ? 0 : i));
  }
  CHECK(b.index_of(0) == 0);
  CHECK(b.index_of(-5) == 0);
  CHECK(b.index_of(100'000'001) == 126);  // +Inf
  CHECK(b.index_of(std::numeric_limits<std::int64_t>::max()) == 126);
}

TEST_CASE("the stream's max-latency becomes a bound in order", "[telemetry][buckets]") {
  const auto standard = log_linear();
  SECTION("between two standard bounds") {
    const auto b = LatencyBuckets::with_deadline(Nanos{250'000});  // between 229.1 and 251.2 us
    CHECK(bounds_of(b) == with(standard, 60, 250'000));
    CHECK(b.index_of(250'000) == 60);
    CHECK(b.index_of(250'001) == 61);
    CHECK(b.index_of(229'101) == 60);
    CHECK(b.bucket_count() == 128);
  }
  SECTION("equal to a standard bound: deduplicated") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'000'000})) == standard);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'000})) == standard);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'445'000})) == standard);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{100'000'000})) == standard);
  }
  SECTION("below 1 us and above 100 ms") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{999})) == with(standard, 0, 999));
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1})) == with(standard, 0, 1));
    const auto high = LatencyBuckets::with_deadline(Nanos{200'000'001});
    CHECK(bounds_of(high) == with(standard, 126, 200'000'001));
    CHECK(high.bucket_count() == 128);
  }
  SECTION("an odd nanosecond deadline is kept exactly") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{123'457})) == with(standard, 53, 123'457));
  }
  SECTION("a deadline that is not positive is rejected") {
    CHECK_THROWS_WITH(LatencyBuckets::with_deadline(Nanos{0}), Catch::Contains("must be positive"));
    CHECK_THROWS_AS(LatencyBuckets::with_deadline(Nanos{-1}), std::invalid_argument);
  }
}

TEST_CASE("custom bounds are validated at construction", "[telemetry][buckets]") {
  const std::vector<Nanos> ok = {Nanos{10}, Nanos{20}};
  CHECK(bounds_of(LatencyBuckets(ok)) == std::vector<std::int64_t>{10, 20});

  const std::vector<Nanos> unsorted = {Nanos{20}, Nanos{10}};
  CHECK_THROWS_WITH(LatencyBuckets(unsorted),
                    Catch::Contains("strictly ascending") && Catch::Contains("10 ns follows 20 ns"));
  const std::vector<Nanos> duplicate = {Nanos{10}, Nanos{10}};
  CHECK_THROWS_AS(LatencyBuckets(duplicate), std::invalid_argument);
  const std::vector<Nanos> zero = {Nanos{0}};
  CHECK_THROWS_WITH(LatencyBuckets(zero), Catch::Contains("must be positive"));
  const std::vector<Nanos> reserved = {Nanos{std::numeric_limits<std::int64_t>::max()}};
  CHECK_THROWS_WITH(LatencyBuckets(reserved), Catch::Contains("reserved for the +Inf bucket"));

  std::vector<Nanos> full_set;
  for (int i = 1; i <= 127; ++i) full_set.emplace_back(i * 100);
  const LatencyBuckets full(full_set);
  CHECK(full.bucket_count() == 128);
  CHECK(full.index_of(12'700) == 126);
  CHECK(full.index_of(12'701) == 127);
  full_set.emplace_back(12'800);
  CHECK_THROWS_WITH(LatencyBuckets(full_set), Catch::Contains("at most 127"));
}

TEST_CASE("the padded bounds are 128 slots, int64 max after the last bound", "[telemetry][buckets]") {
  // What an eBPF map mirrors: the same halving search over the same 128 slots.
  const auto b = LatencyBuckets::with_deadline(Nanos{250'000});
  const auto padded = b.padded_bounds_ns();
  STATIC_REQUIRE(padded.size() == 128);
  const auto bounds = b.upper_bounds_ns();
  for (std::size_t i = 0; i < padded.size(); ++i) {
    INFO("slot " << i);
    CHECK(padded[i] == (i < bounds.size() ? bounds[i] : std::numeric_limits<std::int64_t>::max()));
  }
}

TEST_CASE("branch-free lookup agrees with a linear search", "[telemetry][buckets]") {
  std::mt19937_64 rng(42);
  std::vector<LatencyBuckets> sets = {LatencyBuckets::standard(), LatencyBuckets::with_deadline(Nanos{250'000}),
                                      LatencyBuckets::with_deadline(Nanos{150'000'000})};
  std::vector<Nanos> full;
  for (int i = 1; i <= 127; ++i) full.emplace_back(i * i * 1'000);
  sets.emplace_back(full);
  std::vector<Nanos> sixty_four;  // one past the first halving step's slot
  for (int i = 1; i <= 64; ++i) sixty_four.emplace_back(i * 1'000);
  sets.emplace_back(sixty_four);
  std::vector<Nanos> fifteen;
  for (int i = 1; i <= 15; ++i) fifteen.emplace_back(i * i * 1'000);
  sets.emplace_back(fifteen);
  const std::vector<Nanos> one = {Nanos{7}};
  sets.emplace_back(one);
  for (const auto& b : sets) {
    for (std::int64_t bound : b.upper_bounds_ns()) {
      for (std::int64_t d : {-1, 0, 1}) REQUIRE(b.index_of(bound + d) == reference_index(b, bound + d));
    }
    std::uniform_int_distribution<std::int64_t> dist(-1'000, 300'000'000);
    for (int i = 0; i < 100'000; ++i) {
      const std::int64_t ns = dist(rng);
      REQUIRE(b.index_of(ns) == reference_index(b, ns));
    }
    // Small latencies are where most observations land; search them densely too.
    std::uniform_int_distribution<std::int64_t> small(-10, 5'000'000);
    for (int i = 0; i < 100'000; ++i) {
      const std::int64_t ns = small(rng);
      REQUIRE(b.index_of(ns) == reference_index(b, ns));
    }
  }
}
