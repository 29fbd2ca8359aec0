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

namespace {

// sw1 - sw2 - sw3 - sw4 - sw1, es1 on sw1, es3 on sw3; `chord` adds the shortcut sw1 - sw3.
test::PlantBuilder square(bool chord) {
  test::PlantBuilder b("square");
  b.bridge("sw1").bridge("sw2").bridge("sw3").bridge("sw4").station("es1").station("es3");
  b.link("es1", "sw1").link("es3", "sw3");
  b.link("sw1", "sw2").link("sw2", "sw3").link("sw3", "sw4").link("sw4", "sw1");
  if (chord) b.link("sw1", "sw3");
  return b;
}

std::vector<std::string> egress_ports(const schedule::StreamPlan& s) {
  std::vector<std::string> out;
  for (const auto& h : s.hops) out.push_back(h.egress.str());
  return out;
}

}  // namespace

TEST_CASE("a kept stream keeps its route when a shorter one appears") {
  auto a = square(false);
  a.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);
  const auto before = egress_ports(*first.plan->find_stream("s"));
  REQUIRE(before.size() == 4);  // es1, sw1, a middle bridge, sw3

  auto b = square(true);
  b.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  b.stream("new", "es1", {"es3"}, 1ms, 100, 1ms);
  // From scratch the router takes the chord: three hops.
  const auto scratch = schedule::plan_plant(b.build());
  REQUIRE(scratch.plan);
  CHECK(egress_ports(*scratch.plan->find_stream("s")).size() == 3);

  const auto kept = schedule::plan_plant(b.build(), &*first.plan);
  REQUIRE(kept.plan);
  CHECK(kept.moved.empty());
  const auto& s = *kept.plan->find_stream("s");
  CHECK(egress_ports(s) == before);
  CHECK(s.talker_offset == first.plan->find_stream("s")->talker_offset);
  for (std::size_t h = 0; h < s.hops.size(); ++h)
    CHECK(s.hops[h].offset == first.plan->find_stream("s")->hops[h].offset);
  // A new stream takes the router's choice.
  CHECK(egress_ports(*kept.plan->find_stream("new")).size() == 3);
}

TEST_CASE("a kept stream whose route lost a link moves and says why") {
  auto a = square(true);
  a.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);
  REQUIRE(egress_ports(*first.plan->find_stream("s")).size() == 3);  // over the chord

  auto b = square(false);  // the chord is gone
  b.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  const auto second = schedule::plan_plant(b.build(), &*first.plan);
  REQUIRE(second.plan);
  REQUIRE(second.moved == std::vector<std::string>{"s"});
  REQUIRE(second.synthesis.moved_why.size() == 1);
  CHECK_THAT(second.synthesis.moved_why[0], Catch::Contains("route changed") && Catch::Contains("no longer a link"));
  CHECK(egress_ports(*second.plan->find_stream("s")).size() == 4);
}

TEST_CASE("no-move refuses a plan that moves a kept stream and names it") {
  auto a = line();
  a.stream("s", "es1", {"es2"}, 1ms, 100, 1ms);
  a.stream("t", "es3", {"es2"}, 1ms, 100, 1ms);
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);
  schedule::SynthesisOptions no_move;
  no_move.no_move = true;

  // Nothing changes: the plan comes out with every stream where it was.
  const auto same = schedule::plan_plant(a.build(), &*first.plan, no_move);
  REQUIRE(same.plan);
  CHECK(same.moved.empty());
  CHECK(same.issues.empty());

  // Slower bridges: the old windows after sw1 are too early, so both streams would move.
  auto b = line();
  b.stream("s", "es1", {"es2"}, 1ms, 100, 1ms);
  b.stream("t", "es3", {"es2"}, 1ms, 100, 1ms);
  b.plant().profiles[0].processing_delay_max = 5us;
  const auto refused = schedule::plan_plant(b.build(), &*first.plan, no_move);
  CHECK_FALSE(refused.plan);
  REQUIRE(refused.issues.size() == 2);
  CHECK(refused.issues[0].stream == "s");
  CHECK_THAT(refused.issues[0].message,
             Catch::StartsWith("stream s of the kept plan would move: its window at port sw1:") &&
                 Catch::Contains("no longer holds"));
  CHECK(refused.issues[1].stream == "t");
  // Without no-move the same plant plans, listing the moves.
  const auto moved = schedule::plan_plant(b.build(), &*first.plan);
  REQUIRE(moved.plan);
  CHECK(moved.moved == std::vector<std::string>{"s", "t"});
}

TEST_CASE("no-move names a kept stream whose route must change") {
  auto a = square(true);
  a.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);
  schedule::SynthesisOptions no_move;
  no_move.no_move = true;
  auto b = square(false);
  b.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  const auto refused = schedule::plan_plant(b.build(), &*first.plan, no_move);
  CHECK_FALSE(refused.plan);
  REQUIRE(refused.issues.size() == 1);
  CHECK(refused.issues[0].stream == "s");
  CHECK_THAT(refused.issues[0].message,
             Catch::StartsWith("stream s of the kept plan would move: its route changed: its hop sw1:"));
}

TEST_CASE("a kept stream without windows keeps its route too, and moves only when it must") {
  auto a = square(false);
  a.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  auto& be = a.stream("bulk", "es1", {"es3"}, 1ms, 1000, 10ms);
  be.traffic_class = model::TrafficClassKind::best_effort;
  be.pcp = 0;
  const auto first = schedule::plan_plant(a.build());
  REQUIRE(first.plan);
  const auto before = egress_ports(*first.plan->find_stream("bulk"));
  REQUIRE(before.size() == 4);

  // A shortcut appears: the best-effort stream stays where it was.
  auto b = square(true);
  b.stream("s", "es1", {"es3"}, 1ms, 100, 1ms);
  b.stream("bulk", "es1", {"es3"}, 1ms, 1000, 10ms) = be;
  const auto kept = schedule::plan_plant(b.build(), &*first.plan);
  REQUIRE(kept.plan);
  CHECK(kept.moved.empty());
  CHECK(egress_ports(*kept.plan->find_stream("bulk")) == before);

  // Its route loses a link: it moves and says why.
  auto c = square(true);
  c.plant().links.erase(c.plant().links.begin() + 3);  // sw2 - sw3
  c.plant().links.erase(c.plant().links.begin() + 3);  // sw3 - sw4
  c.stream("bulk", "es1", {"es3"}, 1ms, 1000, 10ms) = be;
  const auto moved = schedule::plan_plant(c.build(), &*first.plan);
  REQUIRE(moved.plan);
  REQUIRE(moved.moved == std::vector<std::string>{"bulk"});
  CHECK_THAT(moved.synthesis.moved_why[0], Catch::StartsWith("its route changed: its hop sw"));
  CHECK(egress_ports(*moved.plan->find_stream("bulk")).size() == 3);
}
