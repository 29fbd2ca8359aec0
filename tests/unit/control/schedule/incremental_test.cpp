#include <catch2/catch.hpp>

#include "control/schedule/planner.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

test::PlantBuilder line() {
  test::PlantBuilder b("line");
  b.bridge("sw1").bridge("sw2").station("es1").station("es2").station("es3");
  b.link("es1", "sw1").link("sw1", "sw2").link("sw2", "es2").link("es3", "sw1");
  return b;
}

}  // namespace

TEST_CASE("incremental planning keeps existing streams exactly and places new ones around them") {
  auto a = line();
  a.stream("old1", "es1", {"es2"}, 1ms, 100, 1ms);
  a.stream("old2", "es3", {"es2"}, 500us, 200, 500us);
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);

  // The new plant drops old1 and adds a stream with a shorter interval, which a plan from
  // scratch would place first (ahead of old2).
  auto b = line();
  b.stream("old2", "es3", {"es2"}, 500us, 200, 500us);
  b.stream("new", "es3", {"es2"}, 250us, 100, 250us);
  const auto second = schedule::plan_plant(b.build(), &*first.plan);
  REQUIRE(second.plan);
  CHECK(second.moved.empty());
  const auto& before = *first.plan->find_stream("old2");
  const auto& after = *second.plan->find_stream("old2");
  CHECK(after.talker_offset == before.talker_offset);
  for (std::size_t h = 0; h < after.hops.size(); ++h) CHECK(after.hops[h].offset == before.hops[h].offset);
  CHECK(second.plan->find_stream("new")->timed);
  CHECK_FALSE(second.plan->find_stream("old1"));
  // From scratch, "new" would have taken old2's place.
  const auto scratch = schedule::plan_plant(b.build());
  CHECK(scratch.plan->find_stream("old2")->talker_offset != before.talker_offset);
}

TEST_CASE("a kept stream whose old windows no longer hold moves and is listed") {
  auto a = line();
  a.stream("s", "es1", {"es2"}, 1ms, 100, 1ms);
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);
  auto b = line();
  b.stream("s", "es1", {"es2"}, 1ms, 100, 1ms);
  b.plant().profiles[0].processing_delay_max = 5us;  // the bridges got slower: old windows too early
  const auto second = schedule::plan_plant(b.build(), &*first.plan);
  REQUIRE(second.plan);
  CHECK(second.moved == std::vector<std::string>{"s"});
  CHECK(second.plan->find_stream("s")->hops[1].offset == first.plan->find_stream("s")->hops[1].offset + 3us);
}
