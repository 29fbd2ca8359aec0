#include <catch2/catch.hpp>

#include <numeric>
#include <random>

#include "control/schedule/periodic.hpp"

using namespace takt::schedule;

namespace {

// Ground truth: unroll both interval trains over the lcm and look for a common instant.
bool overlap_by_unrolling(std::int64_t x, std::int64_t w1, std::int64_t p1, std::int64_t y, std::int64_t w2,
                          std::int64_t p2) {
  const auto l = std::lcm(p1, p2);
  for (std::int64_t a = x % p1 - p1; a < 2 * l; a += p1)
    for (std::int64_t b = y % p2 - p2; b < 2 * l; b += p2)
      if (a < b + w2 && b < a + w1) return true;
  return false;
}

}  // namespace

TEST_CASE("the gcd test agrees with unrolling the hyperperiod, harmonic or not") {
  std::mt19937_64 rng(7);
  const std::int64_t periods[] = {4, 6, 10, 15, 25, 40};
  for (int i = 0; i < 3000; ++i) {
    const auto p1 = periods[rng() % 6], p2 = periods[rng() % 6];
    const auto w1 = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(p1 / 2));
    const auto w2 = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(p2 / 2));
    const auto x = static_cast<std::int64_t>(rng() % 50), y = static_cast<std::int64_t>(rng() % 50);
    INFO(x << "+" << w1 << "/" << p1 << " vs " << y << "+" << w2 << "/" << p2);
    REQUIRE(periodic_overlap(x, w1, p1, y, w2, p2) == overlap_by_unrolling(x, w1, p1, y, w2, p2));
  }
}

TEST_CASE("the clearance is the least later shift that removes the overlap") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t p1 = 12, p2 = 18, g = 6;
    const auto w1 = 1 + static_cast<std::int64_t>(rng() % 3), w2 = 1 + static_cast<std::int64_t>(rng() % 3);
    const auto x = static_cast<std::int64_t>(rng() % 40), y = static_cast<std::int64_t>(rng() % 40);
    const auto c = periodic_clearance(x, w1, y, w2, g);
    REQUIRE(c >= 0);
    REQUIRE_FALSE(periodic_overlap(x + c, w1, p1, y, w2, p2));
    for (std::int64_t s = 0; s < c; ++s) REQUIRE(periodic_overlap(x + s, w1, p1, y, w2, p2));
  }
  CHECK(periodic_clearance(0, 4, 0, 3, 6) == -1);  // 4 + 3 > 6: no room anywhere
}

TEST_CASE("lcm_bounded refuses hyperperiods beyond the limit instead of overflowing") {
  CHECK(lcm_bounded(250'000, 1'250'000, 1'000'000'000) == 1'250'000);
  CHECK(lcm_bounded(4'000'000, 1'250'000, 1'000'000'000) == 20'000'000);
  CHECK_FALSE(lcm_bounded(999'999'937, 999'999'929, 1'000'000'000'000).has_value());
}
