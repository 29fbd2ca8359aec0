// What the synthesiser does for a stream that fits nowhere on its route: an alternative route
// around the port where it failed, and the repair that moves a stream in its way.
#include <algorithm>

#include <catch2/catch.hpp>

#include "control/schedule/synthesiser.hpp"
#include "control/verify/verifier.hpp"
#include "tests/bench/plan/plant_generator.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

// es1 and es5 on sw1, es2 on sw2, es3 on sw3; sw1 - sw2 - sw3 is the short way to es3,
// sw1 - sw4 - sw5 - sw3 the long one.
constexpr int kHogs = 13;

model::Plant detour_plant() {
  test::PlantBuilder b("detour");
  b.bridge("sw1").bridge("sw2").bridge("sw3").bridge("sw4").bridge("sw5");
  b.station("es1").station("es2").station("es3").station("es5");
  b.link("es1", "sw1").link("es5", "sw1").link("es2", "sw2").link("es3", "sw3");
  b.link("sw1", "sw2").link("sw2", "sw3").link("sw1", "sw4").link("sw4", "sw5").link("sw5", "sw3");
  // Full frames from es5 to es2 hold sw1 -> sw2 for most of every 200 us.
  for (int i = 1; i <= kHogs; ++i) b.stream("hog" + std::to_string(i), "es5", {"es2"}, 200us, 1500, 200us);
  b.stream("s", "es1", {"es3"}, 400us, 1500, 400us);  // less critical than the hogs: placed after them
  return b.build();
}

std::vector<std::string> bridges_crossed(const schedule::StreamPlan& s) {
  std::vector<std::string> out;
  for (const auto& h : s.hops)
    if (!h.upstream.empty()) out.push_back(h.egress.node);
  return out;
}

// The placed streams of a synthesis, verified on their own.
routing::Issues verify_placed(model::Plant plant, schedule::SynthesisResult r) {
  std::erase_if(plant.streams, [&](const model::Stream& s) {
    return std::find(r.unplaced.begin(), r.unplaced.end(), s.name) != r.unplaced.end();
  });
  std::erase_if(r.plan.streams, [&](const schedule::StreamPlan& s) { return !s.timed; });
  for (auto& p : r.plan.ports)
    std::erase_if(p.windows, [&](const schedule::Window& w) { return !r.plan.find_stream(w.stream); });
  return schedule::verify_plan(r.plan, plant);
}

// One of bench_plan's suite instances (line of 16 bridges, non-harmonic periods, frames of 200
// to 1500 B), where the unique routes leave only moving streams to place more.
bench::GeneratorSpec crowded_line() {
  bench::GeneratorSpec spec;
  spec.topology = bench::Topology::line;
  spec.bridges = 16;
  spec.extra_end_stations = 2;
  spec.streams = 100;
  spec.period_pattern = 4;
  spec.size_pattern = 2;
  spec.slack_ns = 20'000;
  return spec;
}

}  // namespace

TEST_CASE("a stream that does not fit through a full port takes the route around it") {
  const auto plant = detour_plant();
  schedule::SynthesisOptions fixed;
  fixed.alternative_routes = false;
  const auto without = schedule::synthesise(plant, fixed);
  REQUIRE(without.unplaced == std::vector<std::string>{"s"});
  CHECK(bridges_crossed(*without.plan.find_stream("s")) == std::vector<std::string>{"sw1", "sw2", "sw3"});

  const auto with = schedule::synthesise(plant);
  CHECK(with.ok());
  CHECK(with.unplaced.empty());
  const auto& s = *with.plan.find_stream("s");
  REQUIRE(s.timed);
  CHECK(bridges_crossed(s) == std::vector<std::string>{"sw1", "sw4", "sw5", "sw3"});
  // The port's gate list carries the detour's windows, and the whole plan verifies.
  const auto via_sw4 = std::find_if(s.hops.begin(), s.hops.end(), [](const auto& h) { return h.egress.node == "sw4"; });
  REQUIRE(via_sw4 != s.hops.end());
  const auto* port = with.plan.find_port(via_sw4->egress);
  REQUIRE(port);
  CHECK(std::any_of(port->windows.begin(), port->windows.end(), [](const auto& w) { return w.stream == "s"; }));
  CHECK(schedule::verify_plan(with.plan, plant).empty());
}

TEST_CASE("repair places streams that did not fit by moving streams in their way") {
  const auto plant = bench::generate_plant(crowded_line());
  // Without restarts, which would place more either way: this measures the repair alone.
  schedule::SynthesisOptions no_repair;
  no_repair.repair = false;
  no_repair.restarts = 0;
  schedule::SynthesisOptions repair_only;
  repair_only.restarts = 0;
  const auto before = schedule::synthesise(plant, no_repair);
  const auto after = schedule::synthesise(plant, repair_only);
  INFO(plant.name);
  CHECK(after.scheduled_placed > before.scheduled_placed);
  CHECK(after.unplaced.size() + after.scheduled_placed == before.unplaced.size() + before.scheduled_placed);
  // Every stream still unplaced has its reason, and only those.
  for (const auto& name : after.unplaced)
    CHECK(std::any_of(after.issues.begin(), after.issues.end(), [&](const auto& i) { return i.stream == name; }));
  for (const auto& sp : after.plan.streams)
    if (sp.timed) CHECK(std::find(after.unplaced.begin(), after.unplaced.end(), sp.name) == after.unplaced.end());
  const auto issues = verify_placed(plant, after);
  for (const auto& i : issues) UNSCOPED_INFO(i.message);
  CHECK(issues.empty());
}

TEST_CASE("restarts place first the streams that did not fit and keep the best round") {
  // After the repair, restarts with the streams left over placed first find room for more.
  const auto plant = bench::generate_plant(crowded_line());
  schedule::SynthesisOptions once;
  once.restarts = 0;
  const auto first = schedule::synthesise(plant, once);
  const auto best = schedule::synthesise(plant);
  INFO(plant.name << ": " << first.scheduled_placed << " placed in one round, " << best.scheduled_placed
                  << " with restarts");
  CHECK(best.scheduled_placed > first.scheduled_placed);
  CHECK(best.unplaced.size() + best.scheduled_placed == first.unplaced.size() + first.scheduled_placed);
  // Deterministic: the same plant gives the same plan.
  const auto again = schedule::synthesise(plant);
  CHECK(again.scheduled_placed == best.scheduled_placed);
  CHECK(again.unplaced == best.unplaced);
  const auto issues = verify_placed(plant, best);
  for (const auto& i : issues) UNSCOPED_INFO(i.message);
  CHECK(issues.empty());
}
