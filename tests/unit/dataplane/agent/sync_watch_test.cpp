#include <catch2/catch.hpp>

#include "dataplane/agent/sync_watch.hpp"
#include "tests/support/agent_test_support.hpp"

using namespace takt;
using namespace takt::agent;
using namespace std::chrono_literals;

namespace {

// A GateEngineRuntime on a manual clock and a clock health the test switches good or bad (or
// away: ptp4l gone).
struct Fixture {
  test::ManualClock clock;
  GateEngineRuntime runtime{test::ports({"p1", "p2"}), [this] { return clock.now(); }};
  enum class Ptp { good, bad, gone } ptp = Ptp::good;

  SyncWatch watch(SyncLossAction action) {
    SyncWatchOptions o;
    o.bridge = "sw1";
    o.on_loss = action;
    return SyncWatch(o, runtime, [this] {
      if (ptp == Ptp::gone) throw std::runtime_error("connect: No such file or directory");
      return ptp::HealthAssessment{ptp == Ptp::good, ptp == Ptp::good ? "SLAVE, offset 3 us" : "offset 250 us"};
    });
  }
  // Commits the two-port schedule (1 ms cycle, base time TAI 1000 s).
  void install() {
    auto c = test::two_port_config("sw1", 200'000);
    for (auto& p : c.ports) p.gates.admin_base_time = bridge::ptp_time(clock.now());
    runtime.apply(c);
  }
  const PortOperState& p1() {
    state = runtime.oper_state();
    return state.ports.at(0);
  }
  BridgeOperState state;
};

}  // namespace

TEST_CASE_METHOD(Fixture, "open-gates holds every gate open once the clock is lost and restores the schedule in phase",
                 "[agent][sync]") {
  install();
  auto w = watch(SyncLossAction::open_gates);
  w.poll(0ms);
  CHECK(w.report().state == SyncState::in_sync);
  clock.advance(10ms);
  REQUIRE(p1().oper);
  CHECK(p1().oper_gate_states == 0x80);  // the list's first entry at a cycle start

  ptp = Ptp::gone;
  w.poll(1000ms);
  CHECK_FALSE(w.report().gates_held_open);  // one bad reading is not a loss
  w.poll(1400ms);
  CHECK(w.report().state == SyncState::out_of_sync);
  CHECK(w.report().gates_held_open);
  CHECK(w.report().losses == 1);
  CHECK_THAT(w.report().reason, Catch::Contains("ptp4l did not answer"));
  CHECK_FALSE(p1().oper);
  CHECK(p1().oper_gate_states == kAllGatesOpen);

  ptp = Ptp::good;
  w.poll(2000ms);
  CHECK(w.report().gates_held_open);  // back, but not for regain_after yet
  w.poll(4000ms);
  CHECK(w.report().state == SyncState::in_sync);
  CHECK_FALSE(w.report().gates_held_open);
  clock.advance(Nanos{1'000'000'000});  // a whole number of cycles later: the same phase
  REQUIRE(p1().oper);
  CHECK(p1().oper_gate_states == 0x80);
  clock.advance(300us);
  CHECK(p1().oper_gate_states == 0x7F);
}

TEST_CASE_METHOD(Fixture, "keep leaves the schedule running when the clock is lost and only reports it",
                 "[agent][sync]") {
  install();
  auto w = watch(SyncLossAction::keep);
  w.poll(0ms);
  ptp = Ptp::bad;
  w.poll(100ms);
  w.poll(500ms);
  CHECK(w.report().state == SyncState::out_of_sync);
  CHECK(w.report().losses == 1);
  CHECK(w.report().reason == "offset 250 us");
  CHECK_FALSE(w.report().gates_held_open);
  REQUIRE(p1().oper);
}

TEST_CASE_METHOD(Fixture, "a bridge never in sync holds nothing open: there is no schedule to fall back from",
                 "[agent][sync]") {
  ptp = Ptp::bad;
  auto w = watch(SyncLossAction::open_gates);
  w.poll(0ms);
  w.poll(1000ms);
  CHECK(w.report().state == SyncState::out_of_sync);
  CHECK(w.report().losses == 0);
  CHECK_FALSE(w.report().gates_held_open);
}

TEST_CASE_METHOD(Fixture, "a commit while the gates are held open runs once the clock is back", "[agent][sync]") {
  auto w = watch(SyncLossAction::open_gates);
  w.poll(0ms);
  ptp = Ptp::gone;
  w.poll(100ms);
  w.poll(600ms);
  REQUIRE(w.report().gates_held_open);
  install();
  clock.advance(10ms);
  CHECK_FALSE(p1().oper);  // still held open
  ptp = Ptp::good;
  w.poll(700ms);
  w.poll(2700ms);
  REQUIRE_FALSE(w.report().gates_held_open);
  REQUIRE(p1().oper);
  CHECK(p1().oper_gate_states == 0x80);
}

TEST_CASE("sync-loss actions are spelled as the command line takes them", "[agent][sync]") {
  CHECK(parse_sync_loss_action("keep") == SyncLossAction::keep);
  CHECK(parse_sync_loss_action("open-gates") == SyncLossAction::open_gates);
  CHECK_FALSE(parse_sync_loss_action("open"));
  CHECK(std::string(to_string(SyncLossAction::open_gates)) == "open-gates");
}
