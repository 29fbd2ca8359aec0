#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/flow_meter.hpp"
#include "dataplane/core/stream_filter.hpp"

using namespace takt;

namespace {
constexpr TaiTime t0 = tai_ns(5'000'000'000);
TaiTime at_us(std::int64_t us) { return t0 + Nanos{us * 1000}; }
}  // namespace

TEST_CASE("flow meter: the committed bucket admits CBS at once and CIR after", "[psfp]") {
  // 100 bytes every 100 us is 8 Mbit/s; a 200-byte burst allowance.
  FlowMeterConfig c;
  c.committed_information_rate_bps = 8'000'000;
  c.committed_burst_size_bytes = 200;
  FlowMeter m(c, t0);
  CHECK(m.meter(100, t0) == MeterColor::green);
  CHECK(m.meter(100, t0) == MeterColor::green);
  CHECK(m.meter(100, t0) == MeterColor::red);  // burst spent
  // 100 bytes refill in exactly 100 us; one ns earlier is not enough.
  CHECK(m.meter(100, at_us(100) - Nanos{1}) == MeterColor::red);
  CHECK(m.meter(100, at_us(100)) == MeterColor::green);
  // A talker at its rate forever stays green.
  for (int k = 2; k < 1000; ++k) REQUIRE(m.meter(100, at_us(100 * k)) == MeterColor::green);
  // After a long silence the bucket is full, not more: exactly CBS passes.
  CHECK(m.meter(200, at_us(100 * 1000 + 3'600'000'000LL)) == MeterColor::green);
  CHECK(m.meter(1, at_us(100 * 1000 + 3'600'000'000LL)) == MeterColor::red);
}

TEST_CASE("flow meter: excess bucket marks yellow, mark-all-frames-red latches", "[psfp]") {
  FlowMeterConfig c;
  c.committed_information_rate_bps = 8'000'000;
  c.committed_burst_size_bytes = 100;
  c.excess_information_rate_bps = 8'000'000;
  c.excess_burst_size_bytes = 100;
  FlowMeter m(c, t0);
  CHECK(m.meter(100, t0) == MeterColor::green);
  CHECK(m.meter(100, t0) == MeterColor::yellow);
  CHECK(m.meter(100, t0) == MeterColor::red);
  c.mark_all_frames_red_enable = true;
  FlowMeter latch(c, t0);
  latch.meter(100, t0);
  latch.meter(100, t0);
  CHECK(latch.meter(100, t0) == MeterColor::red);
  CHECK(latch.mark_all_frames_red());
  CHECK(latch.meter(100, at_us(1'000'000)) == MeterColor::red);  // buckets full again, still red
  latch.clear_mark_all_frames_red();
  CHECK(latch.meter(100, at_us(1'000'000)) == MeterColor::green);
}

TEST_CASE("flow meter: rates and sizes are bounded", "[psfp]") {
  FlowMeterConfig c;
  c.committed_information_rate_bps = -1;
  CHECK_THROWS_AS(FlowMeter(c, t0), ConfigError);
  c.committed_information_rate_bps = 1'000'000;
  c.committed_burst_size_bytes = 2'000'000'000;
  CHECK_THROWS_AS(FlowMeter(c, t0), ConfigError);
  // The largest allowed values do not overflow after a day of silence.
  c.committed_information_rate_bps = 1'000'000'000'000;
  c.committed_burst_size_bytes = 1'000'000'000;
  FlowMeter m(c, t0);
  CHECK(m.meter(1500, t0) == MeterColor::green);
  CHECK(m.meter(1500, t0 + std::chrono::hours(24)) == MeterColor::green);
}

TEST_CASE("stream filter: max SDU, then gate, then meter, each counted as 802.1Qci names it", "[psfp]") {
  StreamFilterConfig c;
  c.max_sdu_size = 128;
  c.meter = FlowMeterConfig{8'000'000, 128, 0, 0, false, false};
  StreamFilter f(c, t0);
  CHECK(f.filter(129, true, t0) == FilterVerdict::sdu_too_large);
  CHECK(f.filter(100, false, t0) == FilterVerdict::gate_closed);
  CHECK(f.filter(100, true, t0) == FilterVerdict::pass);
  CHECK(f.filter(100, true, t0) == FilterVerdict::red);
  const auto& n = f.counters();
  CHECK(n.matching == 4);
  CHECK(n.not_passing_sdu == 1);
  CHECK(n.passing_sdu == 3);
  CHECK(n.not_passing == 1);
  CHECK(n.passing == 2);
  CHECK(n.red == 1);
  CHECK(n.discarded() == 3);
}

TEST_CASE("stream filter: blocking on violation holds until cleared", "[psfp]") {
  StreamFilterConfig c;
  c.max_sdu_size = 128;
  c.block_oversize = true;
  StreamFilter f(c, t0);
  CHECK(f.filter(100, true, t0) == FilterVerdict::pass);
  CHECK(f.filter(1500, true, t0) == FilterVerdict::sdu_too_large);
  CHECK(f.blocked_oversize());
  CHECK(f.filter(100, true, t0) == FilterVerdict::blocked);
  CHECK(f.counters().blocked == 1);
  f.clear_blocks();
  CHECK(f.filter(100, true, t0) == FilterVerdict::pass);

  StreamFilterConfig g;
  g.close_gate_on_invalid_rx = true;
  StreamFilter gated(g, t0);
  CHECK(gated.filter(100, false, t0) == FilterVerdict::gate_closed);
  CHECK(gated.gate_closed_invalid_rx());
  CHECK(gated.filter(100, true, t0) == FilterVerdict::blocked);
  // Without the switch a closed gate only drops the frames that hit it.
  StreamFilter plain({}, t0);
  CHECK(plain.filter(100, false, t0) == FilterVerdict::gate_closed);
  CHECK(plain.filter(100, true, t0) == FilterVerdict::pass);
}

TEST_CASE("stream filter: drop-on-yellow", "[psfp]") {
  StreamFilterConfig c;
  c.meter = FlowMeterConfig{8'000'000, 100, 8'000'000, 100, true, false};
  StreamFilter f(c, t0);
  CHECK(f.filter(100, true, t0) == FilterVerdict::pass);
  CHECK(f.filter(100, true, t0) == FilterVerdict::yellow);
  CHECK(f.counters().yellow_dropped == 1);
  CHECK(f.filter(100, true, t0) == FilterVerdict::red);
}

TEST_CASE("stream filter: a run passed at once meters and counts exactly as frame by frame", "[psfp]") {
  // Two filters with one configuration: `run` tries pass_all() first and filters frame by frame
  // only when it refuses, `each` always filters frame by frame. Their verdicts, counters and
  // meters must never differ: runs that fit the committed bucket, runs it runs out in, runs with
  // an oversize frame, runs at a closed gate, and the blocking flags those set.
  StreamFilterConfig c;
  c.max_sdu_size = 1000;
  c.block_oversize = false;
  c.meter = FlowMeterConfig{.committed_information_rate_bps = 200'000'000,
                            .committed_burst_size_bytes = 3000,
                            .excess_information_rate_bps = 8'000'000,
                            .excess_burst_size_bytes = 1000};
  StreamFilter run(c, t0), each(c, t0);
  std::uint64_t at_once = 0, one_by_one = 0;
  std::uint32_t seed = 7;
  auto next = [&seed](std::uint32_t bound) {
    seed = seed * 1103515245U + 12345U;
    return (seed >> 8) % bound;
  };
  for (int round = 0; round < 2000; ++round) {
    const TaiTime now = at_us(50 * round);
    const bool gate_open = next(10) != 0;
    std::vector<std::uint32_t> lengths(1 + next(8));
    for (auto& l : lengths) l = next(50) == 0 ? 1001 + next(100) : 60 + next(500);
    std::uint32_t longest = 0;
    std::uint64_t total = 0;
    for (const auto l : lengths) {
      longest = std::max(longest, l);
      total += l;
    }
    std::vector<FilterVerdict> expected;
    for (const auto l : lengths) expected.push_back(each.filter(l, gate_open, now));
    if (run.pass_all(static_cast<std::uint32_t>(lengths.size()), longest, total, gate_open, now)) {
      ++at_once;
      for (const auto v : expected) REQUIRE(v == FilterVerdict::pass);
    } else {
      ++one_by_one;
      for (std::size_t i = 0; i < lengths.size(); ++i) REQUIRE(run.filter(lengths[i], gate_open, now) == expected[i]);
    }
    REQUIRE(run.counters().matching == each.counters().matching);
    REQUIRE(run.counters().passing == each.counters().passing);
    REQUIRE(run.counters().passing_sdu == each.counters().passing_sdu);
    REQUIRE(run.counters().not_passing == each.counters().not_passing);
    REQUIRE(run.counters().not_passing_sdu == each.counters().not_passing_sdu);
    REQUIRE(run.counters().red == each.counters().red);
    REQUIRE(run.counters().discarded() == each.counters().discarded());
  }
  // Both ways were taken many times.
  CHECK(at_once > 200);
  CHECK(one_by_one > 200);
}

TEST_CASE("flow meter: take_green takes a run's tokens only when every frame is green", "[psfp]") {
  FlowMeterConfig c;
  c.committed_information_rate_bps = 8'000'000;  // 100 bytes per 100 us
  c.committed_burst_size_bytes = 300;
  c.excess_information_rate_bps = 8'000'000;
  c.excess_burst_size_bytes = 300;
  FlowMeter m(c, t0);
  CHECK(m.take_green(300, t0));
  CHECK_FALSE(m.take_green(1, t0));  // committed bucket empty; excess would make it yellow
  CHECK(m.meter(100, t0) == MeterColor::yellow);
  CHECK_FALSE(m.take_green(101, at_us(100)));  // 100 bytes refilled, not 101
  CHECK(m.take_green(100, at_us(100)));
  CHECK_FALSE(m.take_green(2'000'000'000, at_us(1'000'000'000)));  // beyond any bucket
  FlowMeterConfig red = c;
  red.mark_all_frames_red_enable = true;
  FlowMeter latched(red, t0);
  CHECK(latched.meter(700, t0) == MeterColor::red);
  CHECK_FALSE(latched.take_green(1, at_us(1'000'000)));  // red latched until cleared
  latched.clear_mark_all_frames_red();
  CHECK(latched.take_green(1, at_us(1'000'000)));
}
