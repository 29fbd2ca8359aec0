#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "dataplane/core/clock_mapping.hpp"

using namespace takt;

namespace {
// A 2.5 GHz TSC, 37 ppm fast against PTP time, read at a TAI instant around 2027.
constexpr long double kNsPerTick = 0.4L * (1.0L - 37e-6L);
constexpr std::int64_t kTai0 = 1'800'000'000'123'456'789;
constexpr std::uint64_t kTsc0 = 9'876'543'210'987ULL;

std::int64_t true_ptp(std::uint64_t tsc) {
  return kTai0 + std::llround(kNsPerTick * static_cast<long double>(tsc - kTsc0));
}
}  // namespace

TEST_CASE("exact samples give back slope and offset with zero residual", "[clock]") {
  std::vector<ClockSample> s;
  for (std::uint64_t i = 0; i < 64; ++i) {
    const std::uint64_t tsc = kTsc0 + i * 250'000'000ULL;  // every 100 ms
    s.push_back({tsc, true_ptp(tsc)});
  }
  const auto m = ClockMapping::fit(s);
  REQUIRE(m.has_value());
  CHECK(std::fabs(static_cast<double>(m->ns_per_tick() - kNsPerTick)) < 1e-12);
  CHECK(m->max_abs_residual_ns() <= 0.5);  // true_ptp rounds to whole ns
  CHECK(m->rms_residual_ns() <= 0.5);
  CHECK(m->sample_count() == 64);
  // Interpolation and one second of extrapolation stay within a nanosecond.
  const std::uint64_t last = kTsc0 + std::uint64_t{63} * 250'000'000;
  for (std::uint64_t tsc : {kTsc0, kTsc0 + std::uint64_t{1'234'567'891}, last + std::uint64_t{2'500'000'000}}) {
    CHECK(std::llabs(ns_of(m->to_tai(tsc)) - true_ptp(tsc)) <= 1);
    // 1 ns is 2.5 ticks: the round trip through whole nanoseconds lands within 2 ticks.
    CHECK(std::llabs(static_cast<long long>(m->to_tsc(m->to_tai(tsc)) - tsc)) <= 2);
  }
}

TEST_CASE("noisy samples: slope and offset recovered, residual reflects the noise", "[clock]") {
  std::mt19937_64 rng(1588);
  std::uniform_int_distribution<std::int64_t> noise(-200, 200);  // +-200 ns read jitter
  ClockSampleWindow window(128);
  for (std::uint64_t i = 0; i < 500; ++i) {  // only the last 128 are kept
    const std::uint64_t tsc = kTsc0 + i * 25'000'000ULL + (rng() % 1000);
    const std::int64_t realtime = true_ptp(tsc) - 37'000'000'000LL + noise(rng);
    window.add(make_clock_sample(tsc, realtime, 37));
  }
  REQUIRE(window.samples().size() == 128);
  const auto m = ClockMapping::fit(window.samples());
  REQUIRE(m.has_value());
  // 128 samples over 1.28 s with 115 ns RMS noise: slope error well below 1 ppm.
  CHECK(std::fabs(static_cast<double>(m->ns_per_tick() / kNsPerTick - 1)) < 1e-6);
  CHECK(m->max_abs_residual_ns() <= 250);  // noise bound plus the fitted line's own error
  CHECK(m->max_abs_residual_ns() >= 150);
  CHECK(m->rms_residual_ns() == Approx(200 / std::sqrt(3.0)).epsilon(0.2));
  const std::uint64_t mid = window.samples()[64].tsc;
  CHECK(std::llabs(ns_of(m->to_tai(mid)) - true_ptp(mid)) < 60);
}

TEST_CASE("degenerate sample sets are refused", "[clock]") {
  std::vector<ClockSample> one{{kTsc0, kTai0}};
  CHECK_FALSE(ClockMapping::fit(one).has_value());
  std::vector<ClockSample> same_tsc{{kTsc0, kTai0}, {kTsc0, kTai0 + 5}};
  CHECK_FALSE(ClockMapping::fit(same_tsc).has_value());
  CHECK(make_clock_sample(5, 1'000, 37).ptp_ns == 37'000'001'000);
}

TEST_CASE("integer to_tai equals the long double mapping it replaced", "[clock]") {
  std::mt19937_64 rng(1729);
  int compared = 0, apart = 0;
  // TSCs from 1 to 5 GHz, fast and slow against PTP, noisy sample windows like TscTaiClock's.
  for (int fit = 0; fit < 200; ++fit) {
    const long double ghz = 1.0L + static_cast<long double>(rng() % 4000) / 1000.0L;
    const long double ppm = (static_cast<long double>(rng() % 2001) - 1000.0L) * 1e-6L;
    const long double ns_per_tick = (1.0L + ppm) / ghz;
    const std::uint64_t tsc0 = rng() >> 8;
    const std::int64_t tai0 = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(rng() % 1'000'000'000'000'000'000);
    std::vector<ClockSample> s;
    for (std::uint64_t i = 0; i < 64; ++i) {
      const std::uint64_t tsc = tsc0 + i * static_cast<std::uint64_t>(ghz * 1e8L);
      const auto noise = static_cast<std::int64_t>(rng() % 201) - 100;
      s.push_back({tsc, tai0 + std::llround(ns_per_tick * static_cast<long double>(tsc - tsc0)) + noise});
    }
    const auto m = ClockMapping::fit(s);
    REQUIRE(m.has_value());
    for (int q = 0; q < 500; ++q) {
      // Before the window, inside it, and up to a day past it.
      const auto span = static_cast<std::int64_t>(ghz * 86'400e9L);
      const std::int64_t dx = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span)) - span / 100;
      const std::uint64_t tsc = tsc0 + static_cast<std::uint64_t>(dx);
      const std::int64_t want = ns_of(m->to_tai_long_double(tsc));
      const std::int64_t got = ns_of(m->to_tai(tsc));
      // Both round the same real number to whole ns; they may only part where it lies within the
      // long double's error (~1e-9 ns here) of a half.
      REQUIRE(std::llabs(got - want) <= 1);
      if (got != want) ++apart;
      ++compared;
    }
  }
  INFO(apart << " of " << compared << " rounded apart");
  CHECK(compared == 100'000);
  CHECK(apart <= 2);
}
