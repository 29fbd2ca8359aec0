// What a gate control list leaves a class without windows, computed by hand.
#include <catch2/catch.hpp>

#include "control/analysis/gate_service.hpp"

using namespace takt;
using takt::analysis::gate_service;

namespace {

// A 1 ms cycle: scheduled class 7 for `closed` ns, then class 4 (and the rest) open.
schedule::PortPlan one_window(std::int64_t closed, std::int64_t cycle = 1'000'000) {
  schedule::PortPlan p;
  p.cycle_time = Nanos{cycle};
  p.scheduled_classes = 1u << 7;
  p.gcl = {{1u << 7, Nanos{closed}}, {0x7f, Nanos{cycle - closed}}};
  return p;
}

}  // namespace

TEST_CASE("without a gate control list a class gets the whole link at once") {
  const auto g = gate_service(nullptr, 4, 100'000'000, Nanos{12'336});
  CHECK(g.curve.rate_bps == 100'000'000);
  CHECK(g.curve.latency == Nanos{0});
}

TEST_CASE("one scheduled window: the open share of the rate after the window's length") {
  // 300 us closed, 700 us open per 1 ms at 1 Gb/s, no guard band: rate 700 Mb/s; the worst start
  // is the window's start, after which 300 us pass with no service: latency 300 us.
  const auto p = one_window(300'000);
  const auto g = gate_service(&p, 4, 1'000'000'000, Nanos{0});
  CHECK(g.curve.rate_bps == 700'000'000);
  CHECK(g.curve.latency == Nanos{300'000});
  CHECK(g.open_per_cycle == Nanos{700'000});
  CHECK(g.longest_closed == Nanos{300'000});
}

TEST_CASE("a guard band of one maximum frame closes the end of each open stretch") {
  // 1500 B frames at 1 Gb/s: 12,336 ns of wire time are lost before each window.
  const auto p = one_window(300'000);
  const auto g = gate_service(&p, 4, 1'000'000'000, Nanos{12'336});
  CHECK(g.open_per_cycle == Nanos{700'000 - 12'336});
  CHECK(g.curve.rate_bps == 687'664'000);
  CHECK(g.longest_closed == Nanos{312'336});
  CHECK(g.curve.latency == Nanos{312'336});
}

TEST_CASE("two windows: the latency is the worst start over both closed stretches") {
  // Cycle 1000 ns: closed [0,100) open [100,500) closed [500,800) open [800,1000).
  // open = 600, rate = 0.6 R. From s = 500: e = 800 gives 300; e = 1100 (after [800,1000) of
  // service 200) gives 600 - 200 * 1000 / 600 = 266.67. From s = 0 (= 1000): e = 1100 gives 100,
  // e = 1800 (after 400 of service) gives 800 - 666.67 = 133.33. Latency = 300.
  schedule::PortPlan p;
  p.cycle_time = Nanos{1000};
  p.scheduled_classes = 1u << 7;
  p.gcl = {{1u << 7, Nanos{100}}, {0x7f, Nanos{400}}, {1u << 7, Nanos{300}}, {0x7f, Nanos{200}}};
  const auto g = gate_service(&p, 4, 1'000'000'000, Nanos{0});
  CHECK(g.curve.rate_bps == 600'000'000);
  CHECK(g.curve.latency == Nanos{300});
  CHECK(g.longest_closed == Nanos{300});
}

TEST_CASE("uneven windows: the latency can exceed the longest closed stretch") {
  // Cycle 1000: closed [0,200) open [200,300) closed [300,400) open [400,1000). open = 700.
  // From s = 300: e = 400 gives 100; e = 1200 after 600 open gives 900 - 600 * 1000 / 700 =
  // 42.86. From s = 1000: e = 1200 gives 200; e = 1400 after 100 open gives 400 - 142.86 =
  // 257.14 -> 258 rounded up: a short opening does not make up for the long closure before it.
  schedule::PortPlan p;
  p.cycle_time = Nanos{1000};
  p.scheduled_classes = 1u << 7;
  p.gcl = {{1u << 7, Nanos{200}}, {0x7f, Nanos{100}}, {1u << 7, Nanos{100}}, {0x7f, Nanos{600}}};
  const auto g = gate_service(&p, 4, 1'000'000'000, Nanos{0});
  CHECK(g.curve.rate_bps == 700'000'000);
  CHECK(g.curve.latency == Nanos{258});
}

TEST_CASE("a class whose gate never opens outside scheduled windows gets nothing") {
  schedule::PortPlan p;
  p.cycle_time = Nanos{1000};
  p.scheduled_classes = 1u << 7;
  p.gcl = {{(1u << 7) | (1u << 4), Nanos{1000}}};
  const auto g = gate_service(&p, 4, 1'000'000'000, Nanos{0});
  CHECK(g.curve.rate_bps == 0);
}
