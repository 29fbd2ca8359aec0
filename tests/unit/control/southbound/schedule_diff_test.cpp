#include <catch2/catch.hpp>

#include "control/southbound/deadline_misses.hpp"
#include "control/southbound/installer.hpp"
#include "control/southbound/schedule_diff.hpp"
#include "tests/support/agent_test_support.hpp"

using namespace takt;
using namespace takt::southbound;

namespace {

agent::BridgeOperState running(const bridge::BridgeConfig& c, TaiTime base) {
  agent::BridgeOperState s;
  for (const auto& p : c.ports) {
    agent::PortOperState o;
    o.port = p.name;
    o.gate_enabled = p.gates.gate_enabled;
    if (o.gate_enabled) {
      o.oper = bridge::gate_control_list(p.gates);
      o.oper->base_time = base;
    }
    s.ports.push_back(o);
  }
  return s;
}

}  // namespace

TEST_CASE("drift: same lists on a cycle boundary match - other lists, phase or missing ports do not",
          "[southbound][diff]") {
  const auto desired = agent::test::two_port_config("sw1", 200'000);
  CHECK(drift(running(desired, tai_ns(7'000'000'000)), desired).empty());

  const auto off_phase = drift(running(desired, tai_ns(7'000'000'100)), desired);
  REQUIRE(off_phase.size() == 2);
  CHECK_THAT(off_phase[0], Catch::Contains("port p1") && Catch::Contains("wrong phase"));

  const auto other = drift(running(agent::test::two_port_config("sw1", 300'000), tai_ns(0)), desired);
  CHECK(other.size() == 2);

  agent::BridgeOperState restarted;  // an agent that just started: ports without schedules
  for (const char* p : {"p1", "p2"}) restarted.ports.push_back({.port = p});
  const auto fresh = drift(restarted, desired);
  REQUIRE(fresh.size() == 2);
  CHECK(fresh[0] == "port p1 runs no schedule (gates open), should run 2 entries, cycle 1 ms");

  agent::BridgeOperState one_port;
  one_port.ports.push_back(restarted.ports[0]);
  CHECK_THAT(drift(one_port, desired)[1], Catch::Contains("port p2 is missing"));

  // A pending change counts as what the port is headed for.
  auto pending = running(agent::test::two_port_config("sw1", 300'000), tai_ns(0));
  for (auto& p : pending.ports) {
    p.config_pending = true;
    p.admin = bridge::gate_control_list(desired.ports[0].gates);
    p.admin->base_time = tai_ns(9'000'000'000);
  }
  pending.ports[1].admin = bridge::gate_control_list(desired.ports[1].gates);
  CHECK(drift(pending, desired).empty());
}

TEST_CASE("plan diff lists changed ports, added and removed bridges", "[southbound][diff]") {
  std::map<std::string, bridge::BridgeConfig> a{{"sw1", agent::test::two_port_config("sw1", 200'000)},
                                                {"sw2", agent::test::two_port_config("sw2", 200'000)}};
  auto b = a;
  CHECK(plan_diff(a, b).empty());
  b["sw1"].ports[1] = agent::test::scheduled_port("p2", 0x40, 400'000, 2'000'000);
  b.erase("sw2");
  b.emplace("sw3", agent::test::two_port_config("sw3", 200'000));
  const auto d = plan_diff(a, b);
  REQUIRE(d.size() == 3);
  CHECK(d[0] == "~ sw1:p2: 2 entries, cycle 1 ms -> 2 entries, cycle 2 ms");
  CHECK(d[1] == "- bridge sw2");
  CHECK(d[2] == "+ bridge sw3 (2 ports)");
}

TEST_CASE("base time: after now + lead, on a hyperperiod boundary", "[southbound][install]") {
  CHECK(pick_base_time(tai_ns(1'000'000'123), Nanos{500'000'000}, Nanos{2'000'000}) == tai_ns(1'502'000'000));
  CHECK(pick_base_time(tai_ns(1'000'000'000), Nanos{500'000'000}, Nanos{2'000'000}) == tai_ns(1'500'000'000));
  CHECK(pick_base_time(tai_ns(1'000'000'123), Nanos{500'000'000}, Nanos{0}) == tai_ns(1'500'000'123));
  CHECK(new_transaction_id().size() == 16);
  CHECK(new_transaction_id() != new_transaction_id());
}

TEST_CASE("deadline misses are summed over every deadline_miss counter sample", "[southbound][status]") {
  CHECK_FALSE(deadline_misses("# HELP takt_agent_requests_total x\ntakt_agent_requests_total 4\n"));
  const std::string text =
      "# TYPE takt_stream_deadline_misses_total counter\n"
      "takt_stream_deadline_misses_total{stream=\"a\"} 3\n"
      "takt_stream_deadline_misses_total{stream=\"b\"} 4\n"
      "takt_stream_frames_total{stream=\"a\"} 1000\n";
  CHECK(deadline_misses(text) == 7u);
}
