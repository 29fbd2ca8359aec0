#include <catch2/catch.hpp>

#include <string>

#include <fmt/format.h>

#include "control/analysis/latency_bounds.hpp"
#include "control/export/bridge_config.hpp"
#include "control/model/loader.hpp"
#include "control/schedule/planner.hpp"
#include "control/simulate/simulator.hpp"
#include "tests/bench/plan/plant_generator.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using takt::test::PlantBuilder;

namespace {

// talker a -> bridge sw -> listener b, no propagation; no clock error and a fixed processing
// delay, so every latency is one exact number.
PlantBuilder exact_line(std::int64_t rate) {
  PlantBuilder b("line", Nanos{0});
  b.plant().profiles[0].processing_delay_min = Nanos{1000};
  b.plant().profiles[0].processing_delay_max = Nanos{1000};
  b.station("a").bridge("sw").station("b");
  b.link("a", "sw", rate).link("sw", "b", rate);
  return b;
}

// The loader gives every stream a destination MAC; plants built in code need them set.
void give_macs(model::Plant& plant) {
  for (std::size_t i = 0; i < plant.streams.size(); ++i)
    if (plant.streams[i].destination_mac.empty())
      plant.streams[i].destination_mac = fmt::format("91:e0:f0:00:{:02x}:{:02x}", (i >> 8) & 0xff, i & 0xff);
}

schedule::Plan plan_of(const model::Plant& plant) {
  const auto outcome = schedule::plan_plant(plant);
  if (!outcome.plan)
    for (const auto& i : outcome.issues) INFO(i.stream << " " << i.port << ": " << i.message);
  REQUIRE(outcome.plan);
  return *outcome.plan;
}

Nanos analysis_bound(const analysis::AnalysisResult& a, const std::string& stream, const std::string& listener) {
  Nanos worst{0};
  for (const auto& s : a.streams)
    if (s.stream == stream)
      for (const auto& l : s.listeners)
        if (l.listener == listener) worst = std::max(worst, l.bound);
  return worst;
}

// The issue's property: nothing lost; every simulated max within the plan's worst case, and for
// bounded and best-effort streams within the analysis bound, itself within max-latency.
void check_within_plan(const schedule::Plan& plan, const model::Plant& plant, int hyperperiods) {
  simulate::Options options;
  options.hyperperiods = hyperperiods;
  const simulate::SimulationResult r = simulate::run(plan, plant, options);
  const analysis::AnalysisResult a = analysis::analyse_latency(plan, plant);
  REQUIRE_FALSE(r.listeners.empty());
  CHECK(r.dropped_queue_full == 0);
  CHECK(r.dropped_window_too_small == 0);
  for (const auto& l : r.listeners) {
    INFO(plant.name << ": stream " << l.stream << " listener " << l.listener << " max " << l.max.count()
                    << " ns, planned worst " << l.planned_worst.count() << " ns");
    CHECK(l.frames > 0);
    CHECK(l.lost == 0);
    CHECK(l.min <= l.max);
    const schedule::StreamPlan* s = plan.find_stream(l.stream);
    REQUIRE(s);
    if (l.kind == model::TrafficClassKind::scheduled) {
      CHECK(l.max <= l.planned_worst);
      continue;
    }
    const Nanos bound = analysis_bound(a, l.stream, l.listener);
    if (bound <= Nanos{0}) continue;  // an overloaded best-effort class has no bound to hold
    CHECK(l.max <= bound);
    if (l.kind == model::TrafficClassKind::bounded) CHECK(bound <= s->max_latency);
  }
}

}  // namespace

TEST_CASE("a scheduled frame over one bridge takes exactly its planned hops", "[simulate]") {
  PlantBuilder b = exact_line(1'000'000'000);
  b.stream("motion", "a", {"b"}, Nanos{1'000'000}, 100, Nanos{100'000});
  give_macs(b.plant());
  const model::Plant plant = b.build();
  const schedule::Plan plan = plan_of(plant);
  const schedule::StreamPlan& s = plan.streams.at(0);
  REQUIRE(s.hops.size() == 2);
  // 100 bytes tagged: 142 bytes on the wire with preamble and gap, 1136 ns at 1 Gb/s.
  REQUIRE(s.hops[0].frame_wire_time == Nanos{1136});
  // The bridge sends it when its window opens, which cannot be before it arrived and was processed.
  const Nanos at_bridge = s.hops[1].offset;
  REQUIRE(at_bridge >= s.talker_offset + Nanos{1136} + Nanos{1000});
  const Nanos expected = at_bridge - s.talker_offset + Nanos{1136};

  simulate::Options options;
  options.hyperperiods = 5;
  const auto r = simulate::run(plan, plant, options);
  REQUIRE(r.listeners.size() == 1);
  const auto& l = r.listeners[0];
  CHECK(l.stream == "motion");
  CHECK(l.listener == "b");
  CHECK(l.frames == 10);  // 5 intervals, aligned and random runs
  CHECK(l.lost == 0);
  CHECK(l.min == expected);
  CHECK(l.max == expected);
  CHECK(l.jitter() == Nanos{0});
  CHECK(l.max <= l.planned_worst);
  CHECK(r.frame_hops == 20);
}

TEST_CASE("a bounded frame alone crosses two 100 Mb/s hops store and forward, within its bound", "[simulate]") {
  PlantBuilder b = exact_line(100'000'000);
  auto& s = b.stream("alarm", "a", {"b"}, Nanos{1'000'000}, 100, Nanos{1'000'000});
  s.traffic_class = model::TrafficClassKind::bounded;
  s.pcp = 4;
  give_macs(b.plant());
  const model::Plant plant = b.build();
  const schedule::Plan plan = plan_of(plant);

  simulate::Options options;
  options.hyperperiods = 3;
  const auto r = simulate::run(plan, plant, options);
  REQUIRE(r.listeners.size() == 1);
  const auto& l = r.listeners[0];
  // 142 bytes at 100 Mb/s = 11360 ns per hop, 1000 ns processing between.
  CHECK(l.min == Nanos{11360 + 1000 + 11360});
  CHECK(l.max == Nanos{11360 + 1000 + 11360});
  CHECK(l.lost == 0);
  const auto a = analysis::analyse_latency(plan, plant);
  CHECK(l.max <= analysis_bound(a, "alarm", "b"));
  CHECK(l.planned_worst == analysis_bound(a, "alarm", "b"));
}

TEST_CASE("the example plants simulate within their plans: nothing lost, every max within its bound", "[simulate]") {
  for (const char* name : {"small-cell", "virtual-cell", "body-shop-line"}) {
    auto loaded = model::load_plant_file(std::string(TAKT_SOURCE_ROOT) + "/configs/plants/" + name + ".yaml");
    REQUIRE(loaded.plant);
    const schedule::Plan plan = plan_of(*loaded.plant);
    check_within_plan(plan, *loaded.plant, 3);
  }
}

TEST_CASE("generated plants with bounded and best-effort streams simulate within their plans", "[simulate]") {
  int planned = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    bench::GeneratorSpec spec;
    spec.topology = seed % 2 == 0 ? bench::Topology::ring : bench::Topology::tree;
    spec.bridges = 5;
    spec.streams = 12;
    spec.multicast_percent = 20;
    spec.redundant_percent = seed % 3 == 0 ? 20 : 0;
    spec.seed = seed;
    model::Plant plant = bench::generate_plant(spec);
    for (std::size_t i = 0; i < plant.streams.size(); ++i) {
      auto& s = plant.streams[i];
      if (i % 3 == 1) {
        s.traffic_class = model::TrafficClassKind::bounded;
        s.pcp = plant.defaults.pcp_bounded;
        s.max_latency = std::max(s.max_latency, Nanos{2'000'000});
      } else if (i % 6 == 2) {
        s.traffic_class = model::TrafficClassKind::best_effort;
        s.pcp = plant.defaults.pcp_best_effort;
        s.max_latency = std::max(s.max_latency, Nanos{10'000'000});
      }
    }
    give_macs(plant);
    const auto outcome = schedule::plan_plant(plant);
    if (!outcome.plan) continue;  // the generator may draw more than fits; the others still count
    ++planned;
    INFO("generated plant, seed " << seed);
    check_within_plan(*outcome.plan, plant, 2);
  }
  CHECK(planned >= 3);
}

TEST_CASE("a run depends only on its seed, and clock errors within the budget show as jitter", "[simulate]") {
  auto loaded = model::load_plant_file(std::string(TAKT_SOURCE_ROOT) + "/configs/plants/small-cell.yaml");
  REQUIRE(loaded.plant);
  REQUIRE(loaded.plant->defaults.sync_error_budget > Nanos{0});
  const schedule::Plan plan = plan_of(*loaded.plant);
  simulate::Options options;
  options.hyperperiods = 3;
  options.seed = 42;
  const auto a = simulate::run(plan, *loaded.plant, options);
  const auto b = simulate::run(plan, *loaded.plant, options);
  REQUIRE(a.listeners.size() == b.listeners.size());
  bool some_jitter = false;
  for (std::size_t i = 0; i < a.listeners.size(); ++i) {
    CHECK(a.listeners[i].min == b.listeners[i].min);
    CHECK(a.listeners[i].p50 == b.listeners[i].p50);
    CHECK(a.listeners[i].max == b.listeners[i].max);
    if (a.listeners[i].kind == model::TrafficClassKind::scheduled && a.listeners[i].jitter() > Nanos{0})
      some_jitter = true;
  }
  CHECK(a.frame_hops == b.frame_hops);
  // Scheduled frames leave at their offsets on clocks up to half the budget off each way.
  CHECK(some_jitter);
  for (const auto& l : a.listeners)
    if (l.kind == model::TrafficClassKind::scheduled) CHECK(l.jitter() <= plan.sync_error_budget);
}

TEST_CASE("a bridge queues a scheduled frame by its stream gate's IPV, as the plan's hop says", "[simulate]") {
  PlantBuilder b = exact_line(1'000'000'000);
  b.stream("motion", "a", {"b"}, Nanos{1'000'000}, 100, Nanos{100'000});
  give_macs(b.plant());
  const model::Plant plant = b.build();
  const schedule::Plan planned = plan_of(plant);
  REQUIRE(planned.streams.at(0).pcp == 6);
  REQUIRE(planned.streams.at(0).hops.size() == 2);
  REQUIRE(planned.streams.at(0).hops[1].traffic_class == 6);

  simulate::Options options;
  options.hyperperiods = 5;
  const auto as_planned = simulate::run(planned, plant, options);
  REQUIRE(as_planned.listeners.size() == 1);
  REQUIRE(as_planned.listeners[0].lost == 0);

  // The bridge's port to b opens traffic class 7 where the plan opened 6, and 6 never: only a
  // frame queued as priority 7 (IPV 7, class priority_to_tc[7] = 7) still leaves in its window.
  const auto moved_to_class_7 = [&](int internal_priority) {
    schedule::Plan plan = planned;
    schedule::Hop& hop = plan.streams[0].hops[1];
    REQUIRE(hop.egress.node == "sw");
    hop.internal_priority = internal_priority;
    hop.traffic_class = 7;
    bool moved = false;
    for (auto& port : plan.ports) {
      if (port.port != hop.egress) continue;
      REQUIRE(port.priority_to_tc[7] == 7);
      for (auto& e : port.gcl) {
        const std::uint32_t tc6 = (e.gate_states >> 6) & 1U;
        e.gate_states = (e.gate_states & ~0xC0U) | (tc6 << 7);
        moved = moved || tc6 != 0;
      }
      port.scheduled_classes = 1U << 7;
    }
    REQUIRE(moved);
    return plan;
  };

  const schedule::Plan with_ipv = moved_to_class_7(7);
  const bridge::BridgeConfig sw = exporter::bridge_config(with_ipv, plant, "sw");
  bool gate_has_ipv = false;
  for (const auto& f : sw.protection.stream_filters)
    if (f.stream == "motion" && f.gate) gate_has_ipv = f.gate->ipv == std::optional<std::uint8_t>(7);
  REQUIRE(gate_has_ipv);
  const auto r = simulate::run(with_ipv, plant, options);
  REQUIRE(r.listeners.size() == 1);
  CHECK(r.listeners[0].lost == 0);
  CHECK(r.dropped_window_too_small == 0);
  CHECK(r.listeners[0].min == as_planned.listeners[0].min);
  CHECK(r.listeners[0].max == as_planned.listeners[0].max);

  // Without the IPV the frame waits in its PCP's class 6, whose gate never opens.
  const auto own = simulate::run(moved_to_class_7(-1), plant, options);
  REQUIRE(own.listeners.size() == 1);
  CHECK(own.listeners[0].frames == 0);
  CHECK(own.listeners[0].lost == 10);
  CHECK(own.dropped_window_too_small == 10);
}

TEST_CASE("a plan whose bridges queue frames by internal priority simulates as planned", "[simulate]") {
  // es1 and es2 send at the same instant to es3 through sw1 and sw2: one frame has to wait at sw1
  // while the other is on the wire, which only a second queue (scheduled-ipv) allows.
  PlantBuilder b("converging");
  b.bridge("sw1").bridge("sw2");
  b.station("es1").station("es2").station("es3");
  b.link("es1", "sw1").link("es2", "sw1").link("sw1", "sw2").link("es3", "sw2");
  b.stream("a", "es1", {"es3"}, Nanos{100'000}, 1000, Nanos{50'000}).latest_transmit_offset = Nanos{0};
  b.stream("b", "es2", {"es3"}, Nanos{100'000}, 1000, Nanos{50'000}).latest_transmit_offset = Nanos{0};
  give_macs(b.plant());
  b.plant().defaults.scheduled_ipv = {7, 5};
  const model::Plant plant = b.build();
  const schedule::Plan plan = plan_of(plant);
  int by_ipv = 0;
  for (const auto& s : plan.streams)
    for (const auto& h : s.hops)
      if (h.internal_priority >= 0) {
        ++by_ipv;
        CHECK(h.traffic_class != s.pcp);
      }
  REQUIRE(by_ipv > 0);
  check_within_plan(plan, plant, 20);

  // The same plan with every frame in its own priority's queue does not hold.
  schedule::Plan own = plan;
  for (auto& s : own.streams)
    for (auto& h : s.hops) h.internal_priority = -1;
  simulate::Options options;
  options.hyperperiods = 20;
  const auto r = simulate::run(own, plant, options);
  bool kept = r.dropped_queue_full == 0 && r.dropped_window_too_small == 0;
  for (const auto& l : r.listeners) kept = kept && l.lost == 0 && l.max <= l.planned_worst;
  CHECK_FALSE(kept);
}
