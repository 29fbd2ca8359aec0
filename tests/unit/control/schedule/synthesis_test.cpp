#include <catch2/catch.hpp>

#include "control/schedule/planner.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

// es1 - sw1 - sw2 - es2, 1 Gb/s, no cable delay; bridges process in 1..2 us; sync budget 1 us.
test::PlantBuilder line() {
  test::PlantBuilder b("line");
  b.bridge("sw1").bridge("sw2").station("es1").station("es2").station("es3");
  b.link("es1", "sw1").link("sw1", "sw2").link("sw2", "es2").link("es3", "sw1");
  return b;
}

std::vector<std::int64_t> offsets(const schedule::StreamPlan& s) {
  std::vector<std::int64_t> v;
  for (const auto& h : s.hops) v.push_back(h.offset.count());
  return v;
}

}  // namespace

TEST_CASE("windows follow store-and-forward exactly: wire + propagation + max processing + sync error") {
  auto b = line();
  b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms);
  b.stream("s2", "es1", {"es2"}, 1ms, 100, 1ms);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  REQUIRE(out.plan);
  const auto& s1 = *out.plan->find_stream("s1");
  // 100 B payload tagged = 142 B on the wire = 1136 ns; next hop +1136 +2000 +1000.
  CHECK(s1.hops[0].frame_wire_time == 1136ns);
  CHECK(offsets(s1) == std::vector<std::int64_t>{0, 4136, 8272});
  CHECK(s1.worst_case_latency == 10408ns);  // + last frame 1136 + sync 1000
  CHECK(s1.slack == 1ms - 10408ns);
  // s2 shares the queues: isolation keeps its occupancy [arrival - 1 us .. end) clear of s1's,
  // so it starts where s1's occupancy at sw1 ends.
  const auto& s2 = *out.plan->find_stream("s2");
  CHECK(s2.talker_offset == 4136ns);
  CHECK(offsets(s2) == std::vector<std::int64_t>{4136, 8272, 12408});
  // Gate control list of sw1 -> sw2: closed to others only during the two windows.
  const auto* port = out.plan->find_port({"sw1", "p2"});
  REQUIRE(port);
  CHECK(port->cycle_time == 1ms);
  CHECK(port->scheduled_classes == 1u << 6);
  using E = schedule::GateControlEntry;
  CHECK(port->gcl ==
        std::vector<E>{{0xbf, 4136ns}, {0x40, 1136ns}, {0xbf, 3000ns}, {0x40, 1136ns}, {0xbf, 1ms - 9408ns}});
}

TEST_CASE("non-harmonic periods share ports without overlap over the whole hyperperiod") {
  auto b = line();
  // 745 windows per 20 ms cycle on the shared ports: give the bridges room for them all.
  b.plant().profiles[0].max_gcl_entries = 4096;
  const Nanos periods[] = {250us, 500us, 1250us, 2500us, 4ms};
  for (int i = 0; i < 25; ++i)
    b.stream(std::string("f").append(std::to_string(i)), i % 2 ? "es1" : "es3", {"es2"}, periods[i % 5], 64 + 40 * i,
             periods[i % 5]);
  const auto out = schedule::plan_plant(b.build());
  for (const auto& i : out.issues) UNSCOPED_INFO(i.message);
  REQUIRE(out.issues.empty());
  REQUIRE(out.plan);
  CHECK(out.plan->hyperperiod == 20ms);
  CHECK(out.plan->find_port({"sw1", "p2"})->cycle_time == 20ms);
  CHECK(schedule::verify_plan(*out.plan, b.build()).empty());
}

TEST_CASE("several frames per interval and frames above the MTU become back-to-back bursts") {
  auto b = line();
  b.stream("big", "es1", {"es2"}, 1ms, 4000, 1ms);  // 3 frames of 1334 B
  b.stream("burst", "es3", {"es2"}, 1ms, 500, 1ms).max_frames_per_interval = 4;
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  const auto& big = *out.plan->find_stream("big");
  CHECK(big.frames_per_interval == 3);
  CHECK(big.frame_payload == 1334);
  CHECK(big.hops[0].length == 3 * big.hops[0].frame_wire_time);
  CHECK(big.hops[0].frame_wire_time == Nanos{(1334 + 42) * 8});
  // The next hop may start once the first frame is in (equal rates: later frames keep pace).
  CHECK(big.hops[1].offset - big.hops[0].offset == big.hops[0].frame_wire_time + 2us + 1us);
  CHECK(out.plan->find_stream("burst")->frames_per_interval == 4);
}

TEST_CASE("earliest and latest transmit offsets bound the talker offset") {
  auto b = line();
  b.stream("first", "es1", {"es2"}, 1ms, 100, 1ms);
  auto& late = b.stream("late", "es3", {"es2"}, 1ms, 100, 1ms);
  late.earliest_transmit_offset = 300us;
  late.latest_transmit_offset = 310us;
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  CHECK(out.plan->find_stream("late")->talker_offset == 300us);
}

TEST_CASE("a slower upstream link delays the next window by the whole burst difference") {
  test::PlantBuilder b("mixed");
  b.bridge("sw1").station("a").station("z");
  b.link("a", "sw1", 100'000'000).link("sw1", "z");
  b.stream("s", "a", {"z"}, 1ms, 1500, 1ms).max_frames_per_interval = 2;
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  const auto& s = *out.plan->find_stream("s");
  // Second frame arrives 2 x 123.36 us after the start but leaves 12.336 us after ours.
  CHECK(s.hops[1].offset == 2 * 123360ns - 12336ns + 2us + 1us);
}

TEST_CASE("seamless redundancy schedules both trees and one transmission on shared access links") {
  test::PlantBuilder b("ring");
  for (int i = 1; i <= 4; ++i) b.bridge("sw" + std::to_string(i)).station("es" + std::to_string(i));
  for (int i = 1; i <= 4; ++i) b.link("es" + std::to_string(i), "sw" + std::to_string(i));
  for (int i = 1; i <= 4; ++i) b.link("sw" + std::to_string(i), "sw" + std::to_string(i % 4 + 1));
  b.stream("frer", "es1", {"es3"}, 1ms, 100, 1ms).num_seamless_trees = 2;
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  const auto& s = *out.plan->find_stream("frer");
  CHECK(s.trees.size() == 2);
  CHECK(s.hops.size() == 6);  // es1->sw1, two paths of two hops, sw3->es3 once
  const auto last = s.hops.back();
  CHECK(last.ingress.node == "es3");
  CHECK(last.upstream.size() == 2);
}

TEST_CASE("bounded and best-effort streams get routes, no windows, and their own classes") {
  auto b = line();
  b.stream("ctl", "es1", {"es2"}, 1ms, 100, 1ms);
  auto& bulk = b.stream("bulk", "es3", {"es2"}, 10ms, 1500, 10ms);
  bulk.traffic_class = model::TrafficClassKind::bounded;
  bulk.pcp = 4;
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  const auto& s = *out.plan->find_stream("bulk");
  CHECK_FALSE(s.timed);
  CHECK(s.hops.size() == 3);
  CHECK(s.hops[0].traffic_class == 4);
  // A bounded stream in the scheduled class would break isolation: refused with a reason.
  auto c = line();
  c.stream("ctl", "es1", {"es2"}, 1ms, 100, 1ms);
  c.stream("bad", "es3", {"es2"}, 10ms, 1500, 10ms).traffic_class = model::TrafficClassKind::bounded;
  const auto bad = schedule::plan_plant(c.build());
  REQUIRE_FALSE(bad.plan);
  CHECK(bad.issues.at(0).message ==
        "stream bad (bounded, pcp 6) would share traffic class 6 with scheduled streams at port sw1:p2, where only "
        "scheduled frames may wait; give it another pcp");
}
