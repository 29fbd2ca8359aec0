// takt-bridge/1's 802.1Qci and 802.1CB sections: what a plan writes reads back the same, and a
// hostile or careless file is refused with the filter or stream named.
#include <catch2/catch.hpp>

#include "dataplane/core/config_error.hpp"
#include "protocol/bridge_config_json.hpp"

using namespace takt;
using namespace takt::bridge;
using nlohmann::json;

namespace {

json protected_bridge() {
  return json::parse(R"({
    "format": "takt-bridge/1",
    "bridge": "sw1",
    "ports": [{"name": "p1", "link-rate-bps": 1000000000}, {"name": "p2", "link-rate-bps": 1000000000}],
    "static-fdb": [{"destination-mac": "02:00:00:00:00:02", "vlan": 100, "ports": ["p2"]}],
    "streams": [{"name": "robot", "destination-mac": "02:00:00:00:00:02", "vlan": 100,
                 "max-latency": 500000, "traffic-class": 6}],
    "stream-filters": [
      {"stream": "robot", "port": "p1", "priority": 6, "max-sdu-size": 128,
       "stream-gate": {"gate-enabled": true, "admin-gate-states": "closed",
                       "admin-control-list": [
                         {"index": 0, "operation-name": "ieee802-dot1q-psfp:set-gate-and-ipv",
                          "gate-state-value": "open", "time-interval-value": 20000},
                         {"index": 1, "gate-state-value": "closed", "time-interval-value": 980000}],
                       "admin-cycle-time": {"numerator": 1, "denominator": 1000},
                       "admin-base-time": {"seconds": "1700000037", "nanoseconds": 0}},
       "flow-meter": {"committed-information-rate": 1024000, "committed-burst-size": 256}},
      {"stream": "*", "port": "p1", "priority": 6,
       "stream-gate": {"gate-enabled": false, "admin-gate-states": "closed"}}],
    "frer": {"sequence-generation": [{"stream": "robot"}], "sequence-recovery": []}
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

TEST_CASE("stream filters, gates, meters and FRER roles read as written and round-trip") {
  const BridgeConfig c = bridge_config_from_json(protected_bridge());
  REQUIRE(c.protection.stream_filters.size() == 2);
  const StreamFilterEntry& f = c.protection.stream_filters[0];
  CHECK(f.stream == "robot");
  CHECK(f.priority == std::optional<std::uint8_t>(6));
  CHECK(f.max_sdu_size == 128);
  REQUIRE(f.gate);
  CHECK(f.gate->schedule.admin_gate_states == 0);
  REQUIRE(f.gate->schedule.admin_control_list.size() == 2);
  CHECK(f.gate->schedule.admin_control_list[0].gate_states_value == 1);
  CHECK(f.gate->schedule.admin_control_list[0].operation_name == kSetGateAndIpv);
  const GateControlList list = stream_gate_control_list(*f.gate);
  CHECK(list.cycle_time == Nanos{1'000'000});
  CHECK(list.entries[0].gate_states == 1);
  CHECK(list.entries[1].gate_states == 0);
  REQUIRE(f.meter);
  CHECK(f.meter->committed_information_rate_bps == 1'024'000);
  CHECK(f.meter->committed_burst_size_bytes == 256);
  CHECK(c.protection.stream_filters[1].stream == kWildcardStream);
  CHECK(c.protection.sequence_generation == std::vector<std::string>{"robot"});

  const BridgeConfig again = bridge_config_from_json(to_json(c));
  CHECK(again == c);

  // Recovery with every leaf.
  json j = protected_bridge();
  j["frer"] = json::parse(R"({"sequence-recovery": [{"stream": "robot", "algorithm": "match", "history-length": 8,
      "reset-timeout": 5000000, "take-no-sequence": true, "individual-recovery": true,
      "latent-error-detection": {"paths": 2, "difference": 10, "period": 2000000000, "reset-period": 30000000000}}]})");
  const BridgeConfig r = bridge_config_from_json(j);
  REQUIRE(r.protection.sequence_recovery.size() == 1);
  const auto& rec = r.protection.sequence_recovery[0];
  CHECK(rec.recovery.algorithm == RecoveryAlgorithm::match);
  CHECK(rec.recovery.history_length == 8);
  CHECK(rec.recovery.reset_timeout == Nanos{5'000'000});
  CHECK(rec.recovery.take_no_sequence);
  CHECK(rec.individual_recovery);
  CHECK(rec.recovery.latent.enabled);
  CHECK(rec.recovery.latent.difference == 10);
  CHECK(bridge_config_from_json(to_json(r)) == r);
}

TEST_CASE("a bridge file without protection writes no protection keys") {
  json j = protected_bridge();
  j.erase("stream-filters");
  j.erase("frer");
  const json out = to_json(bridge_config_from_json(j));
  CHECK_FALSE(out.contains("stream-filters"));
  CHECK_FALSE(out.contains("frer"));
}

TEST_CASE("protection errors name the filter or stream and the reason") {
  json j = protected_bridge();
  j["stream-filters"][0]["stream"] = "welder";
  CHECK_THAT(error_of(j),
             Catch::Contains("stream filter 0 (stream welder") && Catch::Contains("no stream of that name"));

  j = protected_bridge();
  j["stream-filters"][0]["port"] = "p9";
  CHECK_THAT(error_of(j), Catch::Contains("no such port"));

  j = protected_bridge();
  j["stream-filters"][1]["stream"] = "robot";
  CHECK_THAT(error_of(j), Catch::Contains("a second filter for the same stream, port and priority"));

  j = protected_bridge();
  j["stream-filters"][0]["stream-gate"]["admin-control-list"][0]["gate-state-value"] = "ajar";
  CHECK_THAT(error_of(j), Catch::Contains("/stream-filters/0/stream-gate/admin-control-list/0/gate-state-value") &&
                              Catch::Contains("\"open\" or \"closed\""));

  j = protected_bridge();
  j["stream-filters"][0]["stream-gate"]["admin-control-list"][0]["operation-name"] = "set-gate-states";
  CHECK_THAT(error_of(j), Catch::Contains("is not set-gate-and-ipv"));

  j = protected_bridge();
  j["stream-filters"][0]["flow-meter"]["committed-burst-size"] = 2000000000;
  CHECK_THAT(error_of(j), Catch::Contains("committed-burst-size") && Catch::Contains("maximum"));

  j = protected_bridge();
  j["frer"]["sequence-recovery"] = json::parse(R"([{"stream": "robot"}])");
  CHECK_THAT(error_of(j), Catch::Contains("sequence recovery for stream robot") &&
                              Catch::Contains("also generates its sequence numbers"));

  j = protected_bridge();
  j["frer"]["sequence-generation"] = json::parse(R"([{"stream": "robot"}, {"stream": "robot"}])");
  CHECK_THAT(error_of(j), Catch::Contains("appears twice"));

  j = protected_bridge();
  j["frer"] = json::parse(R"({"sequence-recovery": [{"stream": "ghost", "history-length": 0}]})");
  CHECK_THAT(error_of(j), Catch::Contains("stream ghost") && Catch::Contains("no such stream"));

  j = protected_bridge();
  j["frer"] = json::parse(R"({"sequence-recovery": [{"stream": "robot", "history-length": 65}]})");
  CHECK_THAT(error_of(j), Catch::Contains("history-length") && Catch::Contains("maximum 64"));

  j = protected_bridge();
  j["frer"] = json::parse(R"({"sequence-recovery": [{"stream": "robot", "algorithm": "magic"}]})");
  CHECK_THAT(error_of(j), Catch::Contains("\"vector\" or \"match\""));
}

TEST_CASE("a stream gate's IPV reads, writes only when set and round-trips") {
  json j = protected_bridge();
  j["stream-filters"][0]["stream-gate"]["ipv"] = 7;
  const BridgeConfig c = bridge_config_from_json(j);
  REQUIRE(c.protection.stream_filters[0].gate);
  CHECK(c.protection.stream_filters[0].gate->ipv == std::optional<std::uint8_t>(7));
  REQUIRE(c.protection.stream_filters[1].gate);
  CHECK_FALSE(c.protection.stream_filters[1].gate->ipv);  // absent: null, the frame's own priority

  const json out = to_json(c);
  CHECK(out["stream-filters"][0]["stream-gate"]["ipv"] == 7);
  CHECK_FALSE(out["stream-filters"][1]["stream-gate"].contains("ipv"));
  const BridgeConfig again = bridge_config_from_json(out);
  CHECK(again == c);

  // The IPV is part of the gate: a different one is a different configuration.
  BridgeConfig other = c;
  other.protection.stream_filters[0].gate->ipv = 5;
  CHECK_FALSE(other == c);
  other.protection.stream_filters[0].gate->ipv.reset();
  CHECK_FALSE(other == c);

  // JSON null is null too.
  j["stream-filters"][0]["stream-gate"]["ipv"] = nullptr;
  CHECK_FALSE(bridge_config_from_json(j).protection.stream_filters[0].gate->ipv);
}

TEST_CASE("a stream gate's IPV outside 0..7 or of another type is refused naming the filter") {
  for (const json& bad : {json(8), json(-1), json(255), json(1000000), json("7"), json(6.5), json(true),
                          json::array({7}), json::object()}) {
    json j = protected_bridge();
    j["stream-filters"][0]["stream-gate"]["ipv"] = bad;
    INFO(bad.dump());
    CHECK_THAT(error_of(j), Catch::Contains("/stream-filters/0/stream-gate/ipv"));
  }
  json j = protected_bridge();
  j["stream-filters"][0]["stream-gate"]["ipv"] = 8;
  CHECK_THAT(error_of(j), Catch::Contains("outside 0..7"));
  j["stream-filters"][0]["stream-gate"]["ipv"] = "seven";
  CHECK_THAT(error_of(j), Catch::Contains("expected a priority 0..7"));

  // A configuration built in code is checked the same way.
  BridgeConfig c = bridge_config_from_json(protected_bridge());
  c.protection.stream_filters[0].gate->ipv = 9;
  try {
    validate_protection(c);
    FAIL("accepted IPV 9");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("stream filter 0 (stream robot") && Catch::Contains("IPV 9"));
  }
}

TEST_CASE("opening the stream gates on sync loss keeps each gate's IPV") {
  json j = protected_bridge();
  j["stream-filters"][0]["stream-gate"]["ipv"] = 7;
  const BridgeConfig c = bridge_config_from_json(j);
  const StreamProtection open = with_stream_gates_open(c.protection);
  REQUIRE(open.stream_filters[0].gate);
  CHECK_FALSE(open.stream_filters[0].gate->schedule.gate_enabled);
  CHECK(open.stream_filters[0].gate->schedule.admin_gate_states == 1);
  CHECK(open.stream_filters[0].gate->ipv == std::optional<std::uint8_t>(7));
  CHECK_FALSE(open.stream_filters[1].gate->ipv);
}

TEST_CASE("the core filter table of a bridge file gives each filter its gate's IPV") {
  json j = protected_bridge();
  j["stream-filters"][0]["stream-gate"]["ipv"] = 7;
  const StreamFilterTable t = stream_filter_table(bridge_config_from_json(j));
  CHECK(t.filter_count() == 2);
  CHECK(t.any_ipv());
  CHECK(t.filter_for(0, 0, 6) == 0);          // robot at p1
  CHECK(t.filter_for(kNoStream, 0, 6) == 1);  // the wildcard
  CHECK(t.filter_for(0, 1, 6) == -1);         // no filter at p2
  CHECK(t.queue_priority(0, 0, 6) == 7);
  CHECK(t.queue_priority(kNoStream, 0, 6) == 6);
  CHECK(t.queue_priority(0, 1, 6) == 6);
}
