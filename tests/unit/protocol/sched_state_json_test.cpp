// The controller reads a bridge's oper state (GET /api/v1/bridge) with
// bridge_oper_state_from_json: what an agent writes reads back, and anything else is a
// BodyError naming where it is, never a bare JSON type error.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "protocol/sched_state_json.hpp"
#include "protocol/yang_values.hpp"

using namespace takt;
using namespace takt::agent;
using nlohmann::json;

namespace {

// Names are moved in, not assigned from short literals: GCC 12 at -O3 reports a false
// -Wmaybe-uninitialized on a two-character literal copied into a std::string member (the
// family of bug 105329), which stopped the Release build.
PortOperState port_state(std::string name) {
  PortOperState p;
  p.port = name;
  p.capabilities.port = std::move(name);
  return p;
}

BridgeOperState two_ports() {
  BridgeOperState s;
  s.current_time = tai_ns(1'796'320'151'504'000'000);
  PortOperState p1 = port_state(std::string(1, 'p').append(1, '1'));
  p1.gate_enabled = true;
  p1.oper_gate_states = 0x40;
  p1.oper = GateControlList{};
  p1.oper->entries = {{0x40, Nanos{300'000}}, {0xBF, Nanos{700'000}}};
  p1.oper->cycle_time = Nanos{1'000'000};
  s.ports.push_back(std::move(p1));
  s.ports.push_back(port_state(std::string(1, 'p').append(1, '2')));
  return s;
}

}  // namespace

TEST_CASE("an agent's oper state reads back as written", "[protocol][json]") {
  const BridgeOperState read = bridge_oper_state_from_json(to_json(two_ports()));
  REQUIRE(read.ports.size() == 2);
  CHECK(read.current_time == two_ports().current_time);
  CHECK(read.ports[0].port == "p1");
  CHECK(read.ports[0].gate_enabled);
  CHECK(read.ports[0].oper_gate_states == 0x40);
  REQUIRE(read.ports[0].oper.has_value());
  CHECK(read.ports[0].oper->entries.size() == 2);
  CHECK(read.ports[0].oper->cycle_time == Nanos{1'000'000});
  CHECK(read.ports[1].port == "p2");
}

TEST_CASE("a leaf of the wrong JSON type is a BodyError naming its interface", "[protocol][json][hostile]") {
  json j = to_json(two_ports());
  j["ietf-interfaces:interfaces"]["interface"][1]["name"] = 7;
  CHECK_THROWS_AS(bridge_oper_state_from_json(j), BodyError);
  CHECK_THROWS_WITH(bridge_oper_state_from_json(j), Catch::StartsWith("/ietf-interfaces:interfaces/interface/1: "));

  json table = to_json(two_ports());
  table["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
       ["ieee802-dot1q-sched-bridge:gate-parameter-table"] = json::array({1});
  CHECK_THROWS_WITH(bridge_oper_state_from_json(table), Catch::StartsWith("/ietf-interfaces:interfaces/interface/0: "));

  json not_a_list = to_json(two_ports());
  not_a_list["ietf-interfaces:interfaces"]["interface"] = json::object({{"0", 1}});
  CHECK_THROWS_WITH(bridge_oper_state_from_json(not_a_list),
                    "/ietf-interfaces:interfaces/interface: expected an array");
}

TEST_CASE("a positive integer held signed, as a document built in memory holds it, is unsigned", "[protocol][json]") {
  // Found with the oper state test above: the writers store int64 nanoseconds, which
  // unsigned_from_json refused as "must not be negative (got 1000000)".
  CHECK(unsigned_from_json(json(std::int64_t{1'000'000}), "/n", 0xFFFF'FFFFULL) == 1'000'000);
  CHECK_THROWS_WITH(unsigned_from_json(json(std::int64_t{-1}), "/n", 10), "/n: must not be negative (got -1)");
  const TaiTime t = tai_ns(1'796'320'151'504'000'000);
  CHECK(ptp_time_from_json(ptp_time_to_json(t), "/t") == t);
}
