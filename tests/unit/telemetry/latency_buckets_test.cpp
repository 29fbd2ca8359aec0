#include <catch2/catch.hpp>

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

// 10^(k/12) to three digits, written out once here so the test does not share the code's table.
const std::vector<std::int64_t> first_decade = {1'000, 1'210, 1'470, 1'780, 2'150, 2'610,
                                                3'160, 3'830, 4'640, 5'620, 6'810, 8'250};

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

TEST_CASE("standard buckets are log-linear, twelve a decade from 1 us to 100 ms", "[telemetry][buckets]") {
  const auto b = LatencyBuckets::standard();
  CHECK(bounds_of(b) == log_linear());
  CHECK(b.upper_bounds_ns().size() == 61);
  CHECK(b.bucket_count() == 62);  // 61 finite + +Inf
  // Each bound is 1.208 to 1.215 times the one below: a quantile interpolated inside a bucket is
  // off by at most a fifth whatever the distribution, and far less for smooth ones.
  const auto s = b.upper_bounds_ns();
  for (std::size_t i = 1; i < s.size(); ++i) {
    INFO("bounds " << s[i - 1] << " and " << s[i] << " ns");
    const double ratio = static_cast<double>(s[i]) / static_cast<double>(s[i - 1]);
    CHECK(ratio >= 1.2);
    CHECK(ratio <= 1.215);
  }
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
  CHECK(b.index_of(100'000'001) == 61);  // +Inf
  CHECK(b.index_of(std::numeric_limits<std::int64_t>::max()) == 61);
}

TEST_CASE("the stream's max-latency becomes a bound in order", "[telemetry][buckets]") {
  const auto standard = log_linear();
  SECTION("between two standard bounds") {
    const auto b = LatencyBuckets::with_deadline(Nanos{250'000});  // between 215 and 261 us
    CHECK(bounds_of(b) == with(standard, 29, 250'000));
    CHECK(b.index_of(250'000) == 29);
    CHECK(b.index_of(250'001) == 30);
    CHECK(b.index_of(215'001) == 29);
    CHECK(b.bucket_count() == 63);
  }
  SECTION("equal to a standard bound: deduplicated") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'000'000})) == standard);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'000})) == standard);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'470'000})) == standard);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{100'000'000})) == standard);
  }
  SECTION("below 1 us and above 100 ms") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{999})) == with(standard, 0, 999));
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1})) == with(standard, 0, 1));
    const auto high = LatencyBuckets::with_deadline(Nanos{200'000'001});
    CHECK(bounds_of(high) == with(standard, 61, 200'000'001));
    CHECK(high.bucket_count() == 63);
  }
  SECTION("an odd nanosecond deadline is kept exactly") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{123'457})) == with(standard, 26, 123'457));
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
  for (int i = 1; i <= 63; ++i) full_set.emplace_back(i * 100);
  const LatencyBuckets full(full_set);
  CHECK(full.bucket_count() == 64);
  CHECK(full.index_of(6'300) == 62);
  CHECK(full.index_of(6'301) == 63);
  full_set.emplace_back(6'400);
  CHECK_THROWS_WITH(LatencyBuckets(full_set), Catch::Contains("at most 63"));
}

TEST_CASE("the padded bounds are 64 slots, int64 max after the last bound", "[telemetry][buckets]") {
  // What an eBPF map mirrors: the same halving search over the same 64 slots.
  const auto b = LatencyBuckets::with_deadline(Nanos{250'000});
  const auto padded = b.padded_bounds_ns();
  STATIC_REQUIRE(padded.size() == 64);
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
  for (int i = 1; i <= 63; ++i) full.emplace_back(i * i * 1'000);
  sets.emplace_back(full);
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
