#include <catch2/catch.hpp>

#include <algorithm>

#include "control/schedule/gcl_builder.hpp"
#include "control/schedule/planner.hpp"
#include "tests/bench/plan/plant_generator.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

// Two talkers on sw1 sending to es2 through the same egress port sw1:p3.
model::Plant merge_plant(int second_pcp) {
  test::PlantBuilder b("merge");
  b.bridge("sw1").station("es1").station("es2").station("es3");
  b.link("es1", "sw1").link("es3", "sw1").link("sw1", "es2");
  b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms);
  b.stream("s2", "es3", {"es2"}, 1ms, 100, 1ms).pcp = second_pcp;
  return b.build();
}

// Moves one hop's window (in the stream and in its port) and rebuilds that port's gates, so the
// only defect left is the one under test.
void shift_hop(schedule::Plan& plan, const model::Plant& plant, const std::string& stream, std::size_t hop, Nanos by) {
  auto& s = const_cast<schedule::StreamPlan&>(*plan.find_stream(stream));
  auto& h = s.hops[hop];
  h.offset += by;
  if (h.upstream.empty()) s.talker_offset += by;
  for (auto& p : plan.ports) {
    if (p.port != h.egress) continue;
    for (auto& w : p.windows)
      if (w.stream == stream && w.hop == static_cast<int>(hop))
        w.start = Nanos{(h.offset.count() % s.interval.count())};
    const auto* prof = &plant.profiles[0];
    for (const auto& n : plant.nodes)
      if (n.name == p.port.node)
        for (const auto& pr : plant.profiles)
          if (pr.name == n.profile) prof = &pr;
    p.gcl = schedule::build_gate_control_list(p, *prof).gcl;
  }
}

bool mentions(const routing::Issues& issues, const std::string& text) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const auto& i) { return i.message.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("the verifier accepts a synthesised plan and catches a window moved 1 ns into a queue overlap") {
  const auto plant = merge_plant(6);
  auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  auto plan = *out.plan;
  CHECK(schedule::verify_plan(plan, plant).empty());
  // s2 waits behind s1 in the same queue at sw1:p3, occupancies touching; one ns earlier overlaps.
  const auto& s2 = *plan.find_stream("s2");
  REQUIRE(s2.hops.size() == 2);
  shift_hop(plan, plant, "s2", 0, -1ns);
  shift_hop(plan, plant, "s2", 1, -1ns);
  const auto issues = schedule::verify_plan(plan, plant);
  REQUIRE_FALSE(issues.empty());
  CHECK(mentions(issues, "port sw1:p3: traffic class 6 queue occupancy of stream"));
}

TEST_CASE("the verifier catches two classes' transmissions overlapping by 1 ns") {
  const auto plant = merge_plant(5);  // s2 in traffic class 5: it may wait behind s1 on the wire
  auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  auto plan = *out.plan;
  REQUIRE(schedule::verify_plan(plan, plant).empty());
  const auto& s1 = *plan.find_stream("s1");
  const auto& s2 = *plan.find_stream("s2");
  CHECK(s2.hops[1].offset == s1.hops[1].offset + s1.hops[1].length);  // back to back
  shift_hop(plan, plant, "s2", 1, -1ns);
  const auto issues = schedule::verify_plan(plan, plant);
  CHECK(mentions(issues, "port sw1:p3: transmission of stream"));
}

TEST_CASE("the verifier catches gate control lists that do not fit the windows or the cycle") {
  const auto plant = merge_plant(6);
  const auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  {
    auto plan = *out.plan;
    const_cast<schedule::PortPlan*>(plan.find_port({"sw1", "p3"}))->gcl[1].interval -=
        1ns;  // shorter window entry: the list no longer sums to the cycle
    CHECK(mentions(schedule::verify_plan(plan, plant), "gate control list intervals sum to"));
  }
  {
    auto plan = *out.plan;
    auto& gcl = const_cast<schedule::PortPlan*>(plan.find_port({"sw1", "p3"}))->gcl;
    REQUIRE(gcl[1].gate_states == 0x40);
    gcl[1].interval -= 1ns;  // the window's gate closes 1 ns early...
    gcl[2].interval += 1ns;  // ...and the sum still matches
    CHECK(mentions(schedule::verify_plan(plan, plant), "is not inside an open gate of traffic class 6"));
  }
  {
    auto plan = *out.plan;
    auto& s1 = const_cast<schedule::StreamPlan&>(*plan.find_stream("s1"));
    s1.hops[1].offset -= 1ns;  // opens before the frame can be there
    CHECK(mentions(schedule::verify_plan(plan, plant), "but the frame from es1:p1 is only there at"));
  }
  {
    model::Plant tighter = plant;
    tighter.streams[0].max_latency = 4us;
    CHECK(mentions(schedule::verify_plan(*out.plan, tighter), "over max-latency 4 us"));
  }
}

TEST_CASE("property: random plants of every shape plan, and the verifier accepts every plan") {
  int fully = 0, total = 0;
  for (auto topo : {bench::Topology::line, bench::Topology::ring, bench::Topology::tree, bench::Topology::mesh}) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      bench::GeneratorSpec spec;
      spec.topology = topo;
      spec.bridges = 4 + static_cast<int>(seed % 5) * 2;
      spec.extra_end_stations = static_cast<int>(seed % 3);
      spec.streams = 10 + static_cast<int>(seed) * 7;
      spec.period_pattern = static_cast<int>(seed % 6);
      spec.size_pattern = static_cast<int>(seed % 4);
      spec.implicit_deadline = seed % 2 == 0;
      spec.slack_ns = 50'000;
      spec.multicast_percent = 20;
      spec.redundant_percent = topo == bench::Topology::ring || topo == bench::Topology::mesh ? 20 : 0;
      spec.seed = seed;
      auto plant = bench::generate_plant(spec);
      auto r = schedule::synthesise(plant);
      ++total;
      INFO(plant.name);
      // Whatever was placed must verify: drop the streams that could not be placed or routed.
      std::erase_if(plant.streams, [&](const model::Stream& s) {
        return std::find(r.unplaced.begin(), r.unplaced.end(), s.name) != r.unplaced.end();
      });
      std::erase_if(r.plan.streams, [&](const schedule::StreamPlan& s) { return !s.timed; });
      const auto issues = schedule::verify_plan(r.plan, plant);
      for (const auto& i : issues) UNSCOPED_INFO(i.message);
      CHECK(issues.empty());
      CHECK(r.scheduled_placed * 2 >= r.scheduled_requested);  // these instances are lightly loaded
      if (r.ok()) ++fully;
    }
  }
  CHECK(fully * 2 >= total);
}
