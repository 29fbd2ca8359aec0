#include <catch2/catch.hpp>

#include "dataplane/agent/api_error.hpp"
#include "dataplane/agent/config_store.hpp"
#include "tests/support/agent_test_support.hpp"

using namespace takt;
using namespace takt::agent;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  test::ManualClock clock;
  GateEngineRuntime runtime{test::ports({"p1", "p2"}), [this] { return clock.now(); }};
  ConfigStore store{runtime};

  const PortOperState& port(const BridgeOperState& s, const char* name) {
    for (const auto& p : s.ports)
      if (p.port == name) return p;
    FAIL("no port " << name);
    throw 0;
  }
  unsigned status_of(auto&& f) {
    try {
      f();
    } catch (const ApiError& e) {
      return e.status();
    }
    return 200;
  }
};

// A runtime that refuses every apply, as a dataplane whose hardware says no would.
struct RefusingRuntime final : BridgeRuntime {
  GateEngineRuntime& inner;
  explicit RefusingRuntime(GateEngineRuntime& r) : inner(r) {}
  std::vector<PortCapabilities> ports() const override { return inner.ports(); }
  TaiTime now() const override { return inner.now(); }
  void apply(const bridge::BridgeConfig&) override { throw std::runtime_error("port p2: TX queue setup failed"); }
  BridgeOperState oper_state() const override { return inner.oper_state(); }
  void hold_gates_open(bool hold) override { inner.hold_gates_open(hold); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "staging refuses a config that does not fit the bridge and changes nothing",
                 "[agent][store]") {
  auto config = test::two_port_config("sw1", 200'000);
  config.ports.push_back(test::scheduled_port("p9", 0x01, 100'000));
  try {
    store.stage("tx1", config);
    FAIL("staged a config naming a port the bridge lacks");
  } catch (const ApiError& e) {
    CHECK(e.status() == 400);
    CHECK_THAT(e.what(), Catch::Contains("port \"p9\" does not exist") && Catch::Contains("p1, p2"));
  }
  CHECK_FALSE(store.staged());

  auto too_long = test::two_port_config("sw1", 200'000);
  too_long.ports[0].gates.admin_control_list.resize(17, too_long.ports[0].gates.admin_control_list[0]);
  for (std::uint32_t i = 0; i < 17; ++i) {
    too_long.ports[0].gates.admin_control_list[i].index = i;
    too_long.ports[0].gates.admin_control_list[i].time_interval_value = 1000;
  }
  too_long.ports[0].gates.admin_cycle_time = bridge::rational_seconds(Nanos{17'000});
  try {
    store.stage("tx1", too_long);
    FAIL("staged 17 entries on a port with supported-list-max 16");
  } catch (const ApiError& e) {
    CHECK(e.status() == 400);
    CHECK_THAT(e.what(), Catch::Contains("17 gate control entries, supported-list-max is 16"));
  }
  CHECK_FALSE(store.staged());
  for (const auto& p : runtime.oper_state().ports) CHECK_FALSE(p.oper);
}

TEST_CASE_METHOD(Fixture, "commit flips the staged config to admin at the base time, the engine switches to oper then",
                 "[agent][store]") {
  store.stage("tx1", test::two_port_config("sw1", 200'000));
  const TaiTime base = clock.now() + 10ms;
  const CommittedConfig c = store.commit("tx1", base);
  CHECK(bridge::to_tai(c.config.ports[0].gates.admin_base_time) == base);
  CHECK_FALSE(store.staged());

  auto before = runtime.oper_state();
  CHECK(port(before, "p1").config_pending);
  CHECK(port(before, "p1").config_change_time == base);
  CHECK(port(before, "p1").oper_gate_states == 0xFF);  // nothing ran before: all open

  clock.advance(10ms);
  auto after = runtime.oper_state();
  CHECK_FALSE(port(after, "p1").config_pending);
  REQUIRE(port(after, "p1").oper);
  CHECK(port(after, "p1").oper->base_time == base);
  CHECK(port(after, "p1").oper_gate_states == 0x80);
  clock.advance(300us);
  CHECK(runtime.oper_state().ports[0].oper_gate_states == 0x7F);
  CHECK(store.committed()->transaction == "tx1");
}

TEST_CASE_METHOD(Fixture, "commit needs the staged transaction and a base time in the future", "[agent][store]") {
  CHECK(status_of([&] { store.commit("tx1", clock.now() + 1s); }) == 409);  // nothing staged
  store.stage("tx1", test::two_port_config("sw1", 200'000));
  CHECK(status_of([&] { store.commit("tx2", clock.now() + 1s); }) == 409);
  CHECK(status_of([&] { store.commit("tx1", clock.now() - 1ms); }) == 409);
  CHECK(status_of([&] { store.commit("tx1", clock.now()); }) == 409);  // below the minimum lead
  REQUIRE(store.staged());  // refusals keep the reservation for an explicit abort
  CHECK(status_of([&] { store.commit("tx1", clock.now() + 1s); }) == 200);
}

TEST_CASE_METHOD(Fixture, "staging reserves the bridge for one transaction until commit, abort or timeout",
                 "[agent][store]") {
  store.stage("tx1", test::two_port_config("sw1", 200'000));
  try {
    store.stage("tx2", test::two_port_config("sw1", 300'000));
    FAIL("a second installer took over a fresh reservation");
  } catch (const ApiError& e) {
    CHECK(e.status() == 409);
    CHECK_THAT(e.what(), Catch::Contains("reserved by transaction tx1"));
  }
  store.stage("tx1", test::two_port_config("sw1", 250'000));  // same transaction may re-stage
  clock.advance(31s);                                         // the first installer died
  store.stage("tx2", test::two_port_config("sw1", 300'000));
  CHECK(store.staged()->transaction == "tx2");
}

TEST_CASE_METHOD(Fixture, "abort drops a staged config, the running schedule is untouched", "[agent][store]") {
  store.stage("old", test::two_port_config("sw1", 200'000));
  store.commit("old", clock.now() + 1ms);
  clock.advance(2ms);
  store.stage("new", test::two_port_config("sw1", 500'000));
  CHECK(store.abort("new") == AbortOutcome::staged_dropped);
  CHECK_FALSE(store.staged());
  CHECK(store.abort("new") == AbortOutcome::nothing_to_abort);
  auto s = runtime.oper_state();
  CHECK(port(s, "p1").oper->entries[0].time_interval == 200us);
  CHECK_FALSE(port(s, "p1").config_pending);
}

TEST_CASE_METHOD(Fixture, "abort after commit, before the base time, puts the old schedule back in phase",
                 "[agent][store]") {
  store.stage("old", test::two_port_config("sw1", 200'000));
  const TaiTime old_base = clock.now() + 1ms;
  store.commit("old", old_base);
  clock.advance(5'300us);  // old schedule oper, 0.3 ms into a cycle

  store.stage("new", test::two_port_config("sw1", 600'000));
  store.commit("new", clock.now() + 100ms);
  CHECK(port(runtime.oper_state(), "p1").admin->entries[0].time_interval == 600us);

  CHECK(store.abort("new") == AbortOutcome::commit_reverted);
  CHECK(store.committed()->transaction == "old");
  // The old list, same phase: at every instant from now on the gates are what the old
  // schedule alone would give, and the revert was not a late base time.
  for (int step = 0; step < 40; ++step) {
    clock.advance(50us);
    const auto s = runtime.oper_state();
    const std::int64_t in_cycle = (ns_of(s.current_time) - ns_of(old_base)) % 1'000'000;
    CHECK(port(s, "p1").oper_gate_states == (in_cycle < 200'000 ? 0x80 : 0x7F));
    CHECK(port(s, "p1").config_change_error == 0);
  }
  clock.advance(200ms);
  const auto s = runtime.oper_state();
  CHECK(port(s, "p1").oper->entries[0].time_interval == 200us);
  CHECK_FALSE(port(s, "p1").config_pending);
}

TEST_CASE_METHOD(Fixture, "abort of a first install reverts to no schedule, too late once the base time passed",
                 "[agent][store]") {
  store.stage("first", test::two_port_config("sw1", 200'000));
  store.commit("first", clock.now() + 10ms);
  CHECK(store.abort("first") == AbortOutcome::commit_reverted);
  CHECK_FALSE(store.committed());
  for (const auto& p : runtime.oper_state().ports) {
    CHECK_FALSE(p.gate_enabled);
    CHECK(p.oper_gate_states == 0xFF);
  }
  store.stage("second", test::two_port_config("sw1", 200'000));
  store.commit("second", clock.now() + 10ms);
  clock.advance(11ms);
  try {
    store.abort("second");
    FAIL("reverted a schedule already in force");
  } catch (const ApiError& e) {
    CHECK(e.status() == 409);
    CHECK_THAT(e.what(), Catch::Contains("already in force"));
  }
  CHECK(store.committed()->transaction == "second");
}

TEST_CASE_METHOD(Fixture, "a commit the bridge refuses leaves the old schedule running", "[agent][store]") {
  store.stage("old", test::two_port_config("sw1", 200'000));
  store.commit("old", clock.now() + 1ms);
  RefusingRuntime refusing{runtime};
  ConfigStore other{refusing};
  other.stage("new", test::two_port_config("sw1", 700'000));
  try {
    other.commit("new", clock.now() + 1s);
    FAIL("commit succeeded on a runtime that refused it");
  } catch (const ApiError& e) {
    CHECK(e.status() == 500);
    CHECK_THAT(e.what(), Catch::Contains("nothing changed") && Catch::Contains("TX queue setup failed"));
  }
  CHECK_FALSE(other.committed());
  CHECK(other.staged());
  clock.advance(2s);
  CHECK(port(runtime.oper_state(), "p1").oper->entries[0].time_interval == 200us);
}
