// The takt-bridge/1 file format: round trip, the forms hand-written files use, and errors that
// point at the offending value.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "protocol/bridge_config_json.hpp"
#include "dataplane/core/config_error.hpp"

using namespace takt;
using namespace takt::bridge;
using nlohmann::json;

namespace {

json hand_written() {
  return json::parse(R"({
    "format": "takt-bridge/1",
    "bridge": "sw1",
    "ports": [
      {"name": "p1", "link-rate-bps": 1000000000},
      {"name": "p2", "link-rate-bps": 100000000,
       "priority-to-traffic-class": [1, 0, 3, 2, 4, 5, 6, 7],
       "gate-parameter-table": {
         "gate-enabled": true,
         "admin-gate-states": 255,
         "admin-control-list": [
           {"index": 0, "operation-name": "ieee802-dot1q-sched:set-gate-states",
            "time-interval-value": 200000, "gate-states-value": 64},
           {"index": 1, "time-interval-value": 800000, "gate-states-value": 191}],
         "admin-cycle-time": {"numerator": 1, "denominator": 1000},
         "admin-base-time": {"seconds": 1700000037, "nanoseconds": 0}}}],
    "static-fdb": [{"destination-mac": "02:00:00:00:00:02", "vlan": 100, "ports": ["p2"]}],
    "streams": [{"name": "s1", "destination-mac": "02:00:00:00:00:02", "vlan": 100,
                 "max-latency": 500000, "traffic-class": 6}]
  })");
}

std::string error_of(const json& j) {
  try {
    (void)bridge_config_from_json(j);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a hand-written file reads with defaults, bare arrays, numeric seconds and qualified identities") {
  const BridgeConfig c = bridge_config_from_json(hand_written());
  CHECK(c.bridge == "sw1");
  REQUIRE(c.ports.size() == 2);
  CHECK(c.ports[0].priority_to_traffic_class == PcpToTrafficClass::kIeeeDefault);
  CHECK_FALSE(c.ports[0].gates.gate_enabled);
  const BridgePort& p2 = c.ports[1];
  CHECK(p2.link_rate_bps == 100'000'000);
  CHECK(p2.priority_to_traffic_class[2] == 3);
  CHECK(p2.gates.gate_enabled);
  CHECK(p2.gates.config_change);  // absent means install
  REQUIRE(p2.gates.admin_control_list.size() == 2);
  CHECK(p2.gates.admin_control_list[0].operation_name == kSetGateStates);
  CHECK(p2.gates.admin_control_list[1].gate_states_value == 0xBF);
  CHECK(p2.gates.admin_base_time == PtpTime{1'700'000'037, 0});
  REQUIRE(c.static_fdb.size() == 1);
  CHECK(c.static_fdb[0].destination.to_string() == "02:00:00:00:00:02");
  CHECK(c.static_fdb[0].ports == std::vector<std::string>{"p2"});
  REQUIRE(c.streams.size() == 1);
  CHECK(c.streams[0].max_latency == Nanos{500'000});
  CHECK(c.streams[0].traffic_class == 6);
}

TEST_CASE("writing follows RFC 7951 and reads back to the same configuration") {
  const BridgeConfig c = bridge_config_from_json(hand_written());
  const json j = to_json(c);
  CHECK(j["format"] == "takt-bridge/1");
  const json& gates = j["ports"][1]["gate-parameter-table"];
  CHECK(gates["admin-base-time"]["seconds"] == "1700000037");  // uint64 as a string
  CHECK(gates["admin-control-list"]["gate-control-entry"].size() == 2);
  CHECK(gates["admin-control-list"]["gate-control-entry"][0]["operation-name"] == "set-gate-states");
  CHECK(bridge_config_from_json(j) == c);

  const auto path = std::filesystem::temp_directory_path() / "takt_bridge_config_test.json";
  save_bridge_config(path, c);
  CHECK(load_bridge_config(path) == c);
  std::filesystem::remove(path);
}

TEST_CASE("errors carry the JSON pointer of the value at fault") {
  json j = hand_written();
  j["static-fdb"][0]["destination-mac"] = "02:00:00:00:00";
  CHECK_THAT(error_of(j), Catch::StartsWith("/static-fdb/0/destination-mac:") && Catch::Contains("not a MAC"));

  j = hand_written();
  j["ports"][1]["gate-parameter-table"]["admin-control-list"][1]["time-interval-value"] = -5;
  CHECK_THAT(error_of(j), Catch::StartsWith("/ports/1/gate-parameter-table/admin-control-list/1/time-interval-value:"));

  j = hand_written();
  j["ports"][1]["gate-parameter-table"]["admin-cycle-time"] = {{"numerator", 1}, {"denominator", 3}};
  CHECK_THAT(error_of(j), Catch::StartsWith("/ports/1/gate-parameter-table:") &&
                              Catch::Contains("not a whole number of nanoseconds"));

  j = hand_written();
  j["ports"][1]["priority-to-traffic-class"][7] = 8;
  CHECK_THAT(error_of(j), Catch::StartsWith("/ports/1/priority-to-traffic-class/7:") && Catch::Contains("maximum 7"));

  j = hand_written();
  j["format"] = "takt-plan/1";
  CHECK_THAT(error_of(j), Catch::Contains("takt-dataplane reads \"takt-bridge/1\""));

  j = hand_written();
  j["ports"][0].erase("link-rate-bps");
  CHECK_THAT(error_of(j), Catch::StartsWith("/ports/0: missing \"link-rate-bps\""));

  j = hand_written();
  j["static-fdb"][0]["ports"] = {"p7"};
  CHECK_THAT(error_of(j), Catch::Contains("names port p7"));
}

TEST_CASE("files that are not JSON name the file") {
  const auto path = std::filesystem::temp_directory_path() / "takt_bridge_config_bad.json";
  std::ofstream(path) << "{\"format\": ";
  CHECK_THROWS_WITH(load_bridge_config(path), Catch::StartsWith(path.string() + ": not valid JSON"));
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(load_bridge_config(path), Catch::Contains("cannot open"));
}
