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

const std::vector<std::int64_t> one_two_five = {1'000,   2'000,   5'000,     10'000,    20'000,    50'000,    100'000,
                                                200'000, 500'000, 1'000'000, 2'000'000, 5'000'000, 10'000'000};

}  // namespace

TEST_CASE("standard buckets are the 1-2-5 series from 1 us to 10 ms", "[telemetry][buckets]") {
  const auto b = LatencyBuckets::standard();
  CHECK(bounds_of(b) == one_two_five);
  CHECK(b.bucket_count() == 14);  // 13 finite + +Inf
}

TEST_CASE("an observation equal to a bound falls in that bound's bucket (le is inclusive)", "[telemetry][buckets]") {
  const auto b = LatencyBuckets::standard();
  for (std::size_t i = 0; i < one_two_five.size(); ++i) {
    INFO("bound " << one_two_five[i] << " ns");
    CHECK(b.index_of(one_two_five[i]) == i);
    CHECK(b.index_of(one_two_five[i] + 1) == i + 1);
    CHECK(b.index_of(one_two_five[i] - 1) == (i == 0 ? 0 : i));
  }
  CHECK(b.index_of(0) == 0);
  CHECK(b.index_of(-5) == 0);
  CHECK(b.index_of(10'000'001) == 13);  // +Inf
  CHECK(b.index_of(std::numeric_limits<std::int64_t>::max()) == 13);
}

TEST_CASE("the stream's max-latency becomes a bound in order", "[telemetry][buckets]") {
  SECTION("between two 1-2-5 bounds") {
    const auto b = LatencyBuckets::with_deadline(Nanos{250'000});
    std::vector<std::int64_t> expected = one_two_five;
    expected.insert(expected.begin() + 8, 250'000);
    CHECK(bounds_of(b) == expected);
    CHECK(b.index_of(250'000) == 8);
    CHECK(b.index_of(250'001) == 9);
    CHECK(b.index_of(200'001) == 8);
  }
  SECTION("equal to a 1-2-5 bound: deduplicated") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{500'000})) == one_two_five);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{1'000})) == one_two_five);
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{10'000'000})) == one_two_five);
  }
  SECTION("below 1 us and above 10 ms") {
    auto low = bounds_of(LatencyBuckets::with_deadline(Nanos{31'250}));
    CHECK(low[5] == 31'250);
    auto tiny = bounds_of(LatencyBuckets::with_deadline(Nanos{999}));
    CHECK(tiny.front() == 999);
    auto high = bounds_of(LatencyBuckets::with_deadline(Nanos{20'000'001}));
    CHECK(high.size() == 14);
    CHECK(high.back() == 20'000'001);
  }
  SECTION("an odd nanosecond deadline is kept exactly") {
    CHECK(bounds_of(LatencyBuckets::with_deadline(Nanos{123'457}))[7] == 123'457);
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

  std::vector<Nanos> fifteen;
  for (int i = 1; i <= 15; ++i) fifteen.emplace_back(i * 100);
  const LatencyBuckets full(fifteen);
  CHECK(full.bucket_count() == 16);
  CHECK(full.index_of(1'500) == 14);
  CHECK(full.index_of(1'501) == 15);
  fifteen.emplace_back(1'600);
  CHECK_THROWS_WITH(LatencyBuckets(fifteen), Catch::Contains("at most 15"));
}

TEST_CASE("branch-free lookup agrees with a linear search", "[telemetry][buckets]") {
  std::mt19937_64 rng(42);
  std::vector<LatencyBuckets> sets = {LatencyBuckets::standard(), LatencyBuckets::with_deadline(Nanos{250'000}),
                                      LatencyBuckets::with_deadline(Nanos{15'000'000})};
  std::vector<Nanos> fifteen;
  for (int i = 1; i <= 15; ++i) fifteen.emplace_back(i * i * 1'000);
  sets.emplace_back(fifteen);
  const std::vector<Nanos> one = {Nanos{7}};
  sets.emplace_back(one);
  for (const auto& b : sets) {
    for (std::int64_t bound : b.upper_bounds_ns()) {
      for (std::int64_t d : {-1, 0, 1}) REQUIRE(b.index_of(bound + d) == reference_index(b, bound + d));
    }
    std::uniform_int_distribution<std::int64_t> dist(-1'000, 30'000'000);
    for (int i = 0; i < 100'000; ++i) {
      const std::int64_t ns = dist(rng);
      REQUIRE(b.index_of(ns) == reference_index(b, ns));
    }
  }
}
