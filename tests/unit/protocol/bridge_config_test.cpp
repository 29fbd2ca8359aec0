// Conversions between the YANG-shaped bridge configuration and the core's integer-ns schedule.
#include <catch2/catch.hpp>

#include "protocol/bridge_config.hpp"
#include "dataplane/core/config_error.hpp"
#include "dataplane/core/gate_engine.hpp"

using namespace takt;
using namespace takt::bridge;

namespace {

GateParameterTable two_entry_table() {
  GateParameterTable g;
  g.gate_enabled = true;
  // Listed out of order on purpose: index decides the order, not the position.
  g.admin_control_list = {{1, kSetGateStates, 800'000, 0xBF}, {0, kSetGateStates, 200'000, 0x40}};
  g.admin_cycle_time = {1, 1000};
  g.admin_base_time = {10, 0};
  return g;
}

BridgeConfig minimal_bridge() {
  BridgeConfig c;
  c.bridge = "sw1";
  c.ports.push_back({"p1", 1'000'000'000, PcpToTrafficClass::kIeeeDefault, {}});
  c.ports.push_back({"p2", 1'000'000'000, PcpToTrafficClass::kIeeeDefault, two_entry_table()});
  return c;
}

}  // namespace

TEST_CASE("cycle times convert exactly between rational seconds and nanoseconds") {
  CHECK(to_nanos({1, 1000}) == Nanos{1'000'000});
  CHECK(to_nanos({3, 2}) == Nanos{1'500'000'000});
  CHECK(to_nanos({250'000, 1'000'000'000}) == Nanos{250'000});
  CHECK(rational_seconds(Nanos{1'000'000}) == RationalSeconds{1, 1000});
  CHECK(rational_seconds(Nanos{1'500'000'000}) == RationalSeconds{3, 2});
  CHECK(rational_seconds(Nanos{31'250}) == RationalSeconds{1, 32'000});
  CHECK_THROWS_WITH(to_nanos({1, 3}), Catch::Contains("not a whole number of nanoseconds"));
  CHECK_THROWS_WITH(to_nanos({1, 0}), Catch::Contains("denominator must be positive"));
}

TEST_CASE("PTP times convert to TAI nanoseconds and back") {
  CHECK(ns_of(to_tai({1'700'000'037, 250})) == 1'700'000'037'000'000'250LL);
  CHECK(ptp_time(tai_ns(1'700'000'037'000'000'250LL)) == PtpTime{1'700'000'037, 250});
  CHECK_THROWS_WITH(to_tai({1, 1'000'000'000}), Catch::Contains("below 1000000000"));
}

TEST_CASE("a gate parameter table becomes the core gate control list in index order") {
  const GateControlList list = gate_control_list(two_entry_table());
  REQUIRE(list.entries.size() == 2);
  CHECK(list.entries[0] == takt::GateControlEntry{0x40, Nanos{200'000}});
  CHECK(list.entries[1] == takt::GateControlEntry{0xBF, Nanos{800'000}});
  CHECK(list.cycle_time == Nanos{1'000'000});
  CHECK(list.base_time == tai_ns(10'000'000'000));

  // And the engine runs it: traffic class 6 open only in the first 200 us of each cycle.
  GateEngine engine;
  engine.set_admin(list, tai_ns(0));
  const std::int64_t cycle_start = 10'000'000'000 + 7 * 1'000'000;
  CHECK(engine.is_open(6, tai_ns(cycle_start)));
  CHECK(engine.is_open(6, tai_ns(cycle_start + 199'999)));
  CHECK_FALSE(engine.is_open(6, tai_ns(cycle_start + 200'000)));
  CHECK(engine.is_open(0, tai_ns(cycle_start + 200'000)));
  CHECK(engine.next_open(6, tai_ns(cycle_start + 300'000)) == tai_ns(cycle_start + 1'000'000));
}

TEST_CASE("gate tables that cannot run are rejected with the reason") {
  auto g = two_entry_table();
  g.admin_control_list[0].operation_name = "set-and-hold-mac";
  CHECK_THROWS_WITH(gate_control_list(g), Catch::Contains("set-and-hold-mac") && Catch::Contains("preemption"));
  g = two_entry_table();
  g.admin_control_list[1].index = 1;
  g.admin_control_list[0].index = 1;
  CHECK_THROWS_WITH(gate_control_list(g), Catch::Contains("two entries with index 1"));
  g = two_entry_table();
  g.admin_control_list[0].time_interval_value = 0;
  CHECK_THROWS_WITH(gate_control_list(g), Catch::Contains("time interval 0 ns"));
}

TEST_CASE("validation names the port, entry or stream at fault") {
  REQUIRE_NOTHROW(validate(minimal_bridge()));

  auto c = minimal_bridge();
  c.ports[1].name = "p1";
  CHECK_THROWS_WITH(validate(c), Catch::Contains("port 1 (p1)") && Catch::Contains("appears twice"));

  c = minimal_bridge();
  c.ports[1].gates.admin_cycle_time = {0, 1};
  CHECK_THROWS_WITH(validate(c), Catch::Contains("port 1 (p2)") && Catch::Contains("cycle time 0 ns"));

  c = minimal_bridge();
  c.ports[1].gates.gate_enabled = false;  // a disabled table is not checked: its list is ignored
  c.ports[1].gates.admin_cycle_time = {0, 1};
  CHECK_NOTHROW(validate(c));

  c = minimal_bridge();
  c.static_fdb.push_back({*MacAddress::parse("02:00:00:00:00:02"), 100, {"p9"}});
  CHECK_THROWS_WITH(validate(c), Catch::Contains("names port p9"));

  c = minimal_bridge();
  const auto mac = *MacAddress::parse("01:00:5e:00:00:01");
  c.streams.push_back({"a", mac, 100, Nanos{1000}, 6});
  c.streams.push_back({"b", mac, 100, Nanos{1000}, 6});
  CHECK_THROWS_WITH(validate(c), Catch::Contains("stream 1 (b)") && Catch::Contains("distinct"));

  c = minimal_bridge();
  c.streams.push_back({"a", mac, 100, Nanos{1000}, 8});
  CHECK_THROWS_WITH(validate(c), Catch::Contains("traffic class must be 0..7"));
}
