// A node that may start a ready frame late (software gates, a talker process on shared CPUs)
// gets windows that long longer, and the next hop waits for it; the verifier checks that
// reserve independently from the profiles.
#include <catch2/catch.hpp>

#include "control/model/builtin_profiles.hpp"
#include "control/schedule/planner.hpp"
#include "control/verify/verifier.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

bool mentions(const routing::Issues& issues, const std::string& text) {
  for (const auto& i : issues)
    if (i.message.find(text) != std::string::npos) return true;
  return false;
}

// es1 - sw1 - sw2 - es2 at 1 Gb/s; bridges start frames up to 3 us late, the talker 5 us.
test::PlantBuilder late_line() {
  test::PlantBuilder b("late");
  b.plant().profiles[0].transmission_timing_error = Nanos{3000};
  b.plant().profiles[1].transmission_timing_error = Nanos{5000};
  b.bridge("sw1").bridge("sw2").station("es1").station("es2");
  b.link("es1", "sw1").link("sw1", "sw2").link("sw2", "es2");
  return b;
}

}  // namespace

TEST_CASE("windows carry the transmitting node's timing error and the next hop waits for it") {
  auto b = late_line();
  b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms);
  const auto out = schedule::plan_plant(b.build());
  REQUIRE(out.issues.empty());
  REQUIRE(out.plan);
  const auto& s = *out.plan->find_stream("s1");
  REQUIRE(s.hops.size() == 3);
  // 100 B tagged = 1136 ns on the wire. Talker window 1136 + 5000; bridge windows 1136 + 3000.
  CHECK(s.hops[0].length == 6136ns);
  CHECK(s.hops[0].transmission_timing_error == 5000ns);
  CHECK(s.hops[1].length == 4136ns);
  CHECK(s.hops[2].length == 4136ns);
  // Next window: upstream start + its timing error + wire + max processing 2 us + sync 1 us.
  CHECK(s.hops[1].offset.count() == 0 + 5000 + 1136 + 2000 + 1000);
  CHECK(s.hops[2].offset.count() == s.hops[1].offset.count() + 3000 + 1136 + 2000 + 1000);
  // The last frame may start 3 us into its window: latency counts the whole window.
  CHECK(s.worst_case_latency == s.hops[2].offset + 4136ns + 1000ns);
  // Without a jitter bound the last hop may leave as soon as the frame is there (6 us before
  // its window), or up to the timing error late: arrivals vary by 6 + 3 us plus the clock error.
  CHECK(s.jitter == 10000ns);
  // The gate of sw1 -> sw2 stays open for the whole reserve.
  const auto* port = out.plan->find_port({"sw1", "p2"});
  REQUIRE(port);
  std::int64_t open = 0;
  for (const auto& e : port->gcl)
    if (e.gate_states == 1u << 6) open += e.interval.count();
  CHECK(open == 4136);
}

TEST_CASE("a jitter bound keeps the last gate closed until the window, the timing error remains") {
  auto b = late_line();
  b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms).jitter = Nanos{5000};
  const auto plant = b.build();
  const auto out = schedule::plan_plant(plant);
  REQUIRE(out.issues.empty());
  REQUIRE(out.plan);
  const auto& s = *out.plan->find_stream("s1");
  CHECK_FALSE(s.hops[2].may_leave_early);
  CHECK(s.jitter == 4000ns);  // 3 us late start + 1 us clock error
  CHECK(schedule::verify_plan(*out.plan, plant).empty());
}

TEST_CASE("the verifier refuses a window without its timing error reserve") {
  auto b = late_line();
  b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms);
  const auto plant = b.build();
  const auto out = schedule::plan_plant(plant);
  REQUIRE(out.plan);
  REQUIRE(schedule::verify_plan(*out.plan, plant).empty());

  SECTION("a plan made for exact gates is refused on software gates") {
    auto exact = late_line();
    exact.plant().profiles[0].transmission_timing_error = Nanos{0};
    exact.plant().profiles[1].transmission_timing_error = Nanos{0};
    exact.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms);
    const auto tight = schedule::plan_plant(exact.build());
    REQUIRE(tight.plan);
    const auto issues = schedule::verify_plan(*tight.plan, plant);
    CHECK(mentions(issues, "transmission timing error of profile bridge"));
    CHECK(mentions(issues, "timing error 5 us"));
  }
  SECTION("a window moved 1 ns before the late upstream frame can be there") {
    auto plan = *out.plan;
    auto& hop = plan.streams[0].hops[1];
    hop.offset -= 1ns;
    for (auto& p : plan.ports)
      for (auto& w : p.windows)
        if (w.stream == "s1" && w.hop == 1) w.start -= 1ns;
    CHECK(mentions(schedule::verify_plan(plan, plant), "is only there at"));
  }
}

TEST_CASE("a deadline or jitter the timing error cannot keep is refused naming port and profile") {
  SECTION("deadline") {
    auto b = late_line();
    // Minimum: 5 + 1.136 + 2 + 1 (to sw1's window) + 3 + 1.136 + 2 + 1 + 3 + 1.136 + 1 = 21.4 us.
    b.stream("s1", "es1", {"es2"}, 1ms, 100, 20us);
    const auto out = schedule::plan_plant(b.build());
    CHECK_FALSE(out.plan);
    CHECK(mentions(out.issues, "against max-latency 20 us"));
  }
  SECTION("jitter") {
    auto b = late_line();
    b.stream("s1", "es1", {"es2"}, 1ms, 100, 1ms).jitter = Nanos{2000};
    const auto out = schedule::plan_plant(b.build());
    CHECK_FALSE(out.plan);
    CHECK(mentions(out.issues,
                   "jitter 2 us cannot be kept at port sw2:p2: its profile bridge may start a frame up to "
                   "3 us late"));
  }
  SECTION("a window longer than the interval") {
    auto b = late_line();
    b.plant().profiles[1].transmission_timing_error = Nanos{300'000};
    b.stream("s1", "es1", {"es2"}, 250us, 100, 250us);
    const auto out = schedule::plan_plant(b.build());
    CHECK_FALSE(out.plan);
    CHECK(mentions(out.issues, "plus the 300 us transmission timing error of profile station"));
  }
}

TEST_CASE("the built-in VM profiles reserve what shared virtual CPUs need") {
  const model::Profile* dp = nullptr;
  const model::Profile* vm = nullptr;
  const model::Profile* es_vm = nullptr;
  for (const auto& p : model::builtin_profiles()) {
    if (p.name == "takt-dataplane") dp = &p;
    if (p.name == "takt-dataplane-vm") vm = &p;
    if (p.name == "end-station-vm") es_vm = &p;
  }
  REQUIRE(dp);
  REQUIRE(vm);
  REQUIRE(es_vm);
  CHECK(dp->transmission_timing_error > Nanos{0});
  CHECK(vm->transmission_timing_error > dp->transmission_timing_error);
  CHECK(vm->processing_delay_max >= vm->transmission_timing_error);
  CHECK(es_vm->transmission_timing_error > Nanos{0});
}
