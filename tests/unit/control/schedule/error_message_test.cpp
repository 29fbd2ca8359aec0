#include <catch2/catch.hpp>

#include "control/schedule/planner.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

test::PlantBuilder line(const std::string& bridge_profile = "bridge") {
  test::PlantBuilder b("line");
  b.bridge("sw1", bridge_profile).bridge("sw2", bridge_profile).station("es1").station("es2");
  b.link("es1", "sw1").link("sw1", "sw2").link("sw2", "es2");
  return b;
}

}  // namespace

TEST_CASE("a deadline shorter than the path names the path, the time it needs and the deadline") {
  auto b = line();
  b.stream("axis-x", "es1", {"es2"}, 1ms, 100, 10us);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE_FALSE(out.plan);
  REQUIRE(out.issues.size() == 1);
  CHECK(out.issues[0].stream == "axis-x");
  CHECK(out.issues[0].message ==
        "stream axis-x: path es1 -> sw1:p2 -> sw2:p2 -> es2 needs 10.408 us of wire, processing, propagation and sync "
        "error time against max-latency 10 us");
}

TEST_CASE("an overloaded port names its load and the streams on it") {
  auto b = line();
  b.stream("a", "es1", {"es2"}, 20us, 1500, 100us);
  b.stream("b", "es1", {"es2"}, 20us, 1500, 100us);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE_FALSE(out.plan);
  REQUIRE(out.issues.size() == 1);
  CHECK(out.issues[0].port == "es1:p1");
  CHECK(out.issues[0].message == "port es1:p1 is 123 % loaded by scheduled traffic (streams a, b)");
  CHECK(out.synthesis.unplaced == std::vector<std::string>{"b"});
}

TEST_CASE("a gate control list beyond the profile names port, entries and profile") {
  auto b = line("felix");
  model::Profile felix;
  felix.name = "felix";
  felix.max_gcl_entries = 1;
  felix.processing_delay_max = 2us;
  b.profile(felix);
  b.stream("s", "es1", {"es2"}, 1ms, 100, 1ms);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE_FALSE(out.plan);
  REQUIRE(out.issues.size() == 2);
  CHECK(out.issues[0].port == "sw1:p2");
  CHECK(out.issues[0].message == "port sw1:p2 would need 3 gate control entries where its profile felix allows 1");
}

TEST_CASE("a cycle longer than the hardware accepts names the intervals behind it") {
  auto b = line("short-cycle");
  model::Profile p;
  p.name = "short-cycle";
  p.max_cycle_time = 1ms;
  b.profile(p);
  b.stream("a", "es1", {"es2"}, 250us, 100, 250us);
  b.stream("b", "es1", {"es2"}, 1250us, 100, 1250us);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE_FALSE(out.plan);
  CHECK(out.issues.at(0).message ==
        "port sw1:p2 needs a cycle of 1.25 ms (lcm of its streams' intervals 250 us, 1.25 ms) where its profile "
        "short-cycle allows at most 1 ms");
}

TEST_CASE("jitter below the clock error budget is refused with both numbers") {
  auto b = line();
  b.stream("j", "es1", {"es2"}, 1ms, 100, 1ms).jitter = 500ns;
  const auto out = schedule::plan_plant(b.build());
  REQUIRE_FALSE(out.plan);
  CHECK(out.issues.at(0).message ==
        "stream j: jitter 500 ns is below the plant's sync error budget 1 us; arrivals cannot be pinned closer than "
        "the clocks agree");
}

TEST_CASE("a wire demand beyond the interval is refused at the port") {
  test::PlantBuilder b("slow");
  b.bridge("sw1").station("a").station("z");
  b.link("a", "sw1", 10'000'000).link("sw1", "z");
  b.stream("fat", "a", {"z"}, 1ms, 1500, 1ms);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE_FALSE(out.plan);
  CHECK(out.issues.at(0).message ==
        "stream fat needs 1.234 ms of wire time per interval at port a:p1 (1 frames of 1500 B), more than its interval "
        "of 1 ms");
}
