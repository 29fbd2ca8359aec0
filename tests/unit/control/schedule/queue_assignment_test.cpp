// Queue assignment (plant defaults.pcp.scheduled-ipv): a bridge may give a scheduled stream's
// frames another priority through its stream gate (802.1Qci internal priority value), so they
// wait in that priority's queue while another scheduled stream's window transmits, instead of
// being refused by the one-stream-per-queue rule. And the restarts that place the streams which
// did not fit first.
#include <algorithm>

#include <catch2/catch.hpp>

#include "control/schedule/plan_json.hpp"
#include "control/schedule/synthesiser.hpp"
#include "control/verify/verifier.hpp"
#include "tests/bench/plan/plant_generator.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

// es1 and es2 on sw1, es3 and es4 on sw2. "a" (es1 -> es3) and "b" (es2 -> es3, and es4 when
// `multicast`) are sent at offset 0 exactly, so their frames reach sw1 together and one of them
// has to wait there while the other is on the wire to sw2.
model::Plant converging_plant(bool multicast) {
  test::PlantBuilder b("converging");
  b.bridge("sw1").bridge("sw2");
  b.station("es1").station("es2").station("es3").station("es4");
  b.link("es1", "sw1").link("es2", "sw1").link("sw1", "sw2").link("es3", "sw2").link("es4", "sw1");
  auto& a = b.stream("a", "es1", {"es3"}, 100us, 1000, 50us);
  a.latest_transmit_offset = Nanos{0};
  auto& s = b.stream("b", "es2", multicast ? std::vector<std::string>{"es3", "es4"} : std::vector<std::string>{"es3"},
                     100us, 1000, 50us);
  s.latest_transmit_offset = Nanos{0};
  return b.build();
}

const schedule::Hop& hop_out_of(const schedule::StreamPlan& s, const std::string& port) {
  const auto it = std::find_if(s.hops.begin(), s.hops.end(), [&](const auto& h) { return h.egress.str() == port; });
  REQUIRE(it != s.hops.end());
  return *it;
}

}  // namespace

TEST_CASE("without scheduled-ipv a frame cannot wait behind another scheduled stream's window") {
  const auto r = schedule::synthesise(converging_plant(false));
  CHECK_FALSE(r.ok());
  CHECK(r.scheduled_placed == 1);
  CHECK(r.unplaced.size() == 1);
}

TEST_CASE("with scheduled-ipv the second frame waits at the bridge in another queue") {
  auto plant = converging_plant(false);
  plant.defaults.scheduled_ipv = {7, 5};
  const auto r = schedule::synthesise(plant);
  REQUIRE(r.ok());
  const auto& a = *r.plan.find_stream("a");
  const auto& b = *r.plan.find_stream("b");
  const auto& a_sw1 = hop_out_of(a, "sw1:p3");
  const auto& b_sw1 = hop_out_of(b, "sw1:p3");
  // One of them kept its own priority's queue (traffic class 6 of 8); the other was given
  // priority 7, the first of the list, and waits in traffic class 7.
  const bool a_first = a_sw1.offset < b_sw1.offset;
  const auto& first = a_first ? a_sw1 : b_sw1;
  const auto& waiting = a_first ? b_sw1 : a_sw1;
  CHECK(first.traffic_class == 6);
  CHECK(first.internal_priority == -1);
  CHECK(waiting.traffic_class == 7);
  CHECK(waiting.internal_priority == 7);
  // It waited: its window starts after the other's ends, on the same port.
  CHECK(waiting.offset >= first.offset + first.length);
  // Talkers never get one: they queue by their own priority.
  CHECK(a.hops.front().internal_priority == -1);
  CHECK(b.hops.front().internal_priority == -1);
  // The port's list opens class 7 for the waiting window, and the plan verifies on its own.
  const auto* port = r.plan.find_port({"sw1", "p3"});
  REQUIRE(port);
  CHECK((port->scheduled_classes & (1u << 7)) != 0);
  CHECK(schedule::verify_plan(r.plan, plant).empty());
  // plan.json keeps the internal priority.
  const auto back = schedule::plan_from_json(schedule::to_json(r.plan));
  CHECK(hop_out_of(*back.find_stream(a_first ? "b" : "a"), "sw1:p3").internal_priority == 7);
}

TEST_CASE("a queue that a bounded or best-effort stream takes at the port is never given") {
  auto plant = converging_plant(false);
  // Four queues: priorities 4 and 5 share traffic class 2, which the bounded stream takes.
  model::Profile four = plant.profiles.front();
  four.name = "four-queues";
  four.queues = 4;
  plant.profiles.push_back(four);
  for (auto& n : plant.nodes)
    if (n.kind == model::NodeKind::bridge) n.profile = "four-queues";
  plant.defaults.scheduled_ipv = {5};
  model::Stream bounded;
  bounded.name = "bounded";
  bounded.talker = "es4";
  bounded.listeners = {"es3"};
  bounded.traffic_class = model::TrafficClassKind::bounded;
  bounded.pcp = 4;
  bounded.interval = 1ms;
  bounded.max_frame_size = 500;
  bounded.max_latency = 1ms;
  bounded.vlan = 100;
  plant.streams.push_back(bounded);
  const auto r = schedule::synthesise(plant);
  CHECK(r.scheduled_placed == 1);  // as without scheduled-ipv: class 2 is not the planner's to give at sw1:p3
  for (const auto& s : r.plan.streams)
    for (const auto& h : s.hops) CHECK(h.internal_priority == -1);

  // Where the bounded stream does not pass, class 2 is free for scheduled frames.
  plant.streams.back().listeners = {"es1"};
  const auto r2 = schedule::synthesise(plant);
  CHECK(r2.ok());
}

TEST_CASE("every port of one bridge gives a stream the same internal priority") {
  auto plant = converging_plant(true);
  plant.defaults.scheduled_ipv = {7};
  const auto r = schedule::synthesise(plant);
  REQUIRE(r.ok());
  const auto& b = *r.plan.find_stream("b");
  const auto& to_sw2 = hop_out_of(b, "sw1:p3");
  const auto& to_es4 = hop_out_of(b, "sw1:p4");
  CHECK(to_sw2.internal_priority == to_es4.internal_priority);
  CHECK(to_sw2.traffic_class == to_es4.traffic_class);
  CHECK(schedule::verify_plan(r.plan, plant).empty());
}

TEST_CASE("the verifier checks every internal priority against the plant") {
  auto plant = converging_plant(true);
  plant.defaults.scheduled_ipv = {7};
  const auto r = schedule::synthesise(plant);
  REQUIRE(r.ok());
  auto mentions = [](const routing::Issues& issues, const std::string& text) {
    return std::any_of(issues.begin(), issues.end(),
                       [&](const auto& i) { return i.message.find(text) != std::string::npos; });
  };
  SECTION("an internal priority the plant does not list") {
    auto plan = r.plan;
    auto* b = const_cast<schedule::StreamPlan*>(plan.find_stream("b"));
    for (auto& h : b->hops)
      if (h.egress.node == "sw1") h.internal_priority = 5, h.traffic_class = 5;
    CHECK(mentions(schedule::verify_plan(plan, plant), "internal priority 5 at sw1:p3 is not one"));
  }
  SECTION("two ports of one bridge with different internal priorities") {
    auto plan = r.plan;
    auto* b = const_cast<schedule::StreamPlan*>(plan.find_stream("b"));
    for (auto& h : b->hops)
      if (h.egress.str() == "sw1:p4") h.internal_priority = h.internal_priority >= 0 ? -1 : 7;
    CHECK(mentions(schedule::verify_plan(plan, plant), "give it different internal priorities"));
  }
  SECTION("a queue that does not match the internal priority") {
    auto plan = r.plan;
    auto* b = const_cast<schedule::StreamPlan*>(plan.find_stream("b"));
    auto& h = b->hops.back();
    h.internal_priority = -1;
    h.traffic_class = 3;
    CHECK(mentions(schedule::verify_plan(plan, plant), "maps to traffic class"));
  }
  SECTION("an end station never has one") {
    auto plan = r.plan;
    auto* b = const_cast<schedule::StreamPlan*>(plan.find_stream("b"));
    b->hops.front().internal_priority = 7;
    b->hops.front().traffic_class = 7;
    CHECK(mentions(schedule::verify_plan(plan, plant), "internal priority 7 at es2:p1 is not one"));
  }
}

TEST_CASE("a kept plan keeps its internal priorities") {
  auto plant = converging_plant(false);
  plant.defaults.scheduled_ipv = {7};
  const auto first = schedule::synthesise(plant);
  REQUIRE(first.ok());
  const auto again = schedule::synthesise_incremental(plant, first.plan);
  REQUIRE(again.ok());
  CHECK(again.moved.empty());
  for (const auto& name : {"a", "b"}) {
    const auto& before = *first.plan.find_stream(name);
    const auto& after = *again.plan.find_stream(name);
    REQUIRE(before.hops.size() == after.hops.size());
    for (std::size_t h = 0; h < before.hops.size(); ++h) {
      CHECK(before.hops[h].internal_priority == after.hops[h].internal_priority);
      CHECK(before.hops[h].traffic_class == after.hops[h].traffic_class);
      CHECK(before.hops[h].offset == after.hops[h].offset);
    }
  }
}
