#include <catch2/catch.hpp>

#include <numeric>

#include "control/schedule/gcl_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;
using E = schedule::GateControlEntry;

namespace {

schedule::PortPlan port_with(std::vector<std::pair<std::int64_t, std::int64_t>> windows, Nanos interval = 100us) {
  schedule::PortPlan p;
  p.port = {"sw1", "p1"};
  p.queues = 8;
  p.cycle_time = interval;
  p.scheduled_classes = 1u << 6;
  int i = 0;
  for (auto [s, l] : windows)
    p.windows.push_back({Nanos{s}, Nanos{l}, interval, 6, std::string("s").append(std::to_string(i++)), 0});
  return p;
}

Nanos total(const std::vector<E>& g) {
  return std::accumulate(g.begin(), g.end(), Nanos{0}, [](Nanos a, const E& e) { return a + e.interval; });
}

}  // namespace

TEST_CASE("windows open only their class, the rest of the cycle opens every other class") {
  model::Profile prof;
  const auto r = schedule::build_gate_control_list(port_with({{10'000, 2'000}, {50'000, 1'000}}), prof);
  REQUIRE_FALSE(r.error);
  CHECK(r.gcl == std::vector<E>{{0xbf, 10us}, {0x40, 2us}, {0xbf, 38us}, {0x40, 1us}, {0xbf, 49us}});
}

TEST_CASE("a window crossing the cycle end is split over the end and the start") {
  model::Profile prof;
  const auto r = schedule::build_gate_control_list(port_with({{99'000, 2'000}}), prof);
  REQUIRE_FALSE(r.error);
  CHECK(r.gcl == std::vector<E>{{0x40, 1us}, {0xbf, 98us}, {0x40, 1us}});
}

TEST_CASE("the nearest windows merge first until the list fits, never shortening a window") {
  model::Profile prof;
  prof.name = "short-list";
  prof.max_gcl_entries = 4;
  // Gaps: 10 us (0..10), 3 us (12..15), 20 us (16..36), 64 us (37..100)
  const auto r =
      schedule::build_gate_control_list(port_with({{10'000, 2'000}, {15'000, 1'000}, {36'000, 1'000}}), prof);
  REQUIRE_FALSE(r.error);
  CHECK(r.gcl.size() <= 4);
  CHECK(total(r.gcl) == 100us);
  // The 3 us gap went first; the 64 us gap (the longest) always stays open to other classes.
  CHECK(r.gcl == std::vector<E>{{0x40, 16us}, {0xbf, 20us}, {0x40, 1us}, {0xbf, 63us}});
}

TEST_CASE("granularity rounds windows outward and min interval absorbs short entries") {
  model::Profile prof;
  prof.granularity = 1us;
  prof.min_gate_interval = 2us;
  const auto r = schedule::build_gate_control_list(port_with({{10'300, 700}, {12'500, 1'000}}), prof);
  REQUIRE_FALSE(r.error);
  for (const auto& e : r.gcl) {
    CHECK(e.interval.count() % 1000 == 0);
    CHECK(e.interval >= 2us);
  }
  CHECK(total(r.gcl) == 100us);
  // [10, 11) and [12, 14) after rounding; the 1 us gap between them is too short and is merged.
  CHECK(r.gcl == std::vector<E>{{0xbf, 10us}, {0x40, 4us}, {0xbf, 86us}});
}

TEST_CASE("one window per queue makes each class open once per cycle") {
  model::Profile prof;
  prof.name = "i225";
  prof.one_window_per_queue = true;
  const auto r =
      schedule::build_gate_control_list(port_with({{10'000, 1'000}, {30'000, 1'000}, {60'000, 1'000}}), prof);
  REQUIRE_FALSE(r.error);
  CHECK(r.gcl == std::vector<E>{{0xbf, 10us}, {0x40, 51us}, {0xbf, 39us}});
}

TEST_CASE("a list that cannot fit names the port, the count and the profile's limit") {
  model::Profile prof;
  prof.name = "tiny";
  prof.max_gcl_entries = 1;
  const auto r = schedule::build_gate_control_list(port_with({{10'000, 1'000}, {30'000, 1'000}}), prof);
  REQUIRE(r.error);
  CHECK(*r.error == "port sw1:p1 would need 5 gate control entries where its profile tiny allows 1");
}
