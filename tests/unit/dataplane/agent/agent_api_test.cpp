#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dataplane/agent/agent_api.hpp"
#include "protocol/bridge_config_json.hpp"
#include "tests/support/agent_test_support.hpp"

using namespace takt;
using namespace takt::agent;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  test::ManualClock clock;
  GateEngineRuntime runtime{test::ports({"p1", "p2"}), [this] { return clock.now(); }};
  ConfigStore store{runtime};
  ClockHealthSource health{std::nullopt};
  AgentApi api{{"sw1", 1us}, store, runtime, health};
  PeerIdentity trusted{"127.0.0.1:1", true, true, "/CN=taktctl", ""};

  HttpResponse send(http::verb verb, const std::string& target, const std::string& body = {},
                    const PeerIdentity* peer = nullptr) {
    HttpRequest r{verb, target, 11};
    r.body() = body;
    r.prepare_payload();
    return api.handle(r, peer ? *peer : trusted);
  }
  static json body(const HttpResponse& r) { return json::parse(r.body()); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "a bad body is refused with 400 naming the place, and nothing is staged", "[agent][api]") {
  json config = bridge::to_json(test::two_port_config("sw1", 200'000));
  config["ports"][1]["gate-parameter-table"]["admin-control-list"]["gate-control-entry"][0]["gate-states-value"] = 300;
  auto r = send(http::verb::put, "/api/v1/staged?transaction=t1", config.dump());
  CHECK(r.result_int() == 400);
  CHECK_THAT(body(r)["error"].get<std::string>(),
             Catch::Contains("/ports/1/") && Catch::Contains("nothing was staged"));

  r = send(http::verb::put, "/api/v1/staged?transaction=t1", "{not json");
  CHECK(r.result_int() == 400);
  CHECK_THAT(body(r)["error"].get<std::string>(), Catch::Contains("not JSON"));

  r = send(http::verb::put, "/api/v1/staged?transaction=t1",
           bridge::to_json(test::two_port_config("sw2", 200'000)).dump());
  CHECK(r.result_int() == 400);
  CHECK_THAT(body(r)["error"].get<std::string>(), Catch::Contains("for bridge \"sw2\", this is \"sw1\""));

  r = send(http::verb::put, "/api/v1/staged", bridge::to_json(test::two_port_config("sw1", 200'000)).dump());
  CHECK(r.result_int() == 400);
  CHECK_THAT(body(r)["error"].get<std::string>(), Catch::Contains("transaction id"));

  CHECK(send(http::verb::get, "/api/v1/staged").result_int() == 404);
}

TEST_CASE_METHOD(Fixture, "stage, commit and read back the running state as RFC 7951 JSON", "[agent][api]") {
  auto r = send(http::verb::put, "/api/v1/staged?transaction=t1",
                bridge::to_json(test::two_port_config("sw1", 200'000)).dump());
  REQUIRE(r.result_int() == 200);
  CHECK(body(send(http::verb::get, "/api/v1/staged"))["transaction"] == "t1");

  const std::int64_t base = ns_of(clock.now() + 5ms);
  const json commit{
      {"transaction", "t1"},
      {"base-time", {{"seconds", std::to_string(base / 1'000'000'000)}, {"nanoseconds", base % 1'000'000'000}}}};
  r = send(http::verb::post, "/api/v1/commit", commit.dump());
  REQUIRE(r.result_int() == 200);
  clock.advance(6ms);

  const json state = body(send(http::verb::get, "/api/v1/bridge"));
  CHECK(state["bridge"] == "sw1");
  CHECK(state["committed"]["transaction"] == "t1");
  const json& table = state["ietf-interfaces:interfaces"]["interface"][0]["ieee802-dot1q-bridge:bridge-port"]
                           ["ieee802-dot1q-sched-bridge:gate-parameter-table"];
  CHECK(table["config-pending"] == false);
  CHECK(table["oper-control-list"]["gate-control-entry"][0]["time-interval-value"] == 200000);
  CHECK(table["oper-control-list"]["gate-control-entry"][0]["operation-name"] == "ieee802-dot1q-sched:set-gate-states");
  CHECK(table["oper-cycle-time"] == json({{"numerator", 1000000}, {"denominator", 1000000000}}));
  CHECK(table["oper-base-time"]["seconds"] == std::to_string(base / 1'000'000'000));
  CHECK(table["tick-granularity"] == 10);
  CHECK(table["supported-list-max"] == 16);
  CHECK(table["config-change-error"] == "0");

  r = send(http::verb::post, "/api/v1/abort", json{{"transaction", "t1"}}.dump());
  CHECK(r.result_int() == 409);  // in force already
}

TEST_CASE_METHOD(Fixture, "over TLS, writes without a valid client certificate get 403 and why, reads work",
                 "[agent][api]") {
  PeerIdentity anonymous{"127.0.0.1:2", true, false, "", "no client certificate was presented"};
  auto r = send(http::verb::put, "/api/v1/staged?transaction=t1",
                bridge::to_json(test::two_port_config("sw1", 200'000)).dump(), &anonymous);
  CHECK(r.result_int() == 403);
  CHECK_THAT(body(r)["error"].get<std::string>(), Catch::Contains("client certificate signed by this agent's CA") &&
                                                      Catch::Contains("no client certificate was presented"));
  CHECK_FALSE(store.staged());
  CHECK(send(http::verb::post, "/api/v1/abort", R"({"transaction":"t1"})", &anonymous).result_int() == 403);
  CHECK(send(http::verb::get, "/api/v1/bridge", {}, &anonymous).result_int() == 200);
  CHECK(send(http::verb::get, "/metrics", {}, &anonymous).result_int() == 200);

  // Plain HTTP (loopback development mode) has no certificates to check.
  PeerIdentity plain{"127.0.0.1:3", false, false, "", ""};
  CHECK(send(http::verb::put, "/api/v1/staged?transaction=t1",
             bridge::to_json(test::two_port_config("sw1", 200'000)).dump(), &plain)
            .result_int() == 200);
}

TEST_CASE_METHOD(Fixture, "unknown paths, wrong methods, health without ptp4l, metrics", "[agent][api]") {
  CHECK(send(http::verb::get, "/api/v2/bridge").result_int() == 404);
  CHECK(send(http::verb::delete_, "/api/v1/bridge").result_int() == 405);
  const json h = body(send(http::verb::get, "/api/v1/health?sync-budget-ns=500"));
  CHECK(h["clock-health"].is_null());
  CHECK_THAT(h["reason"].get<std::string>(), Catch::StartsWith("no clock health"));
  CHECK(h["sync-budget-ns"] == 500);

  send(http::verb::put, "/api/v1/staged?transaction=t1", "{}");
  const auto m = send(http::verb::get, "/metrics");
  CHECK(m[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  CHECK_THAT(m.body(), Catch::Contains("takt_agent_stage_total{result=\"refused\"} 1"));
  CHECK_THAT(m.body(), Catch::Contains("takt_schedule_config_pending{port=\"p1\"} 0"));
}

TEST_CASE_METHOD(Fixture, "a stream gate's IPV is staged, committed and read back as written", "[agent][api]") {
  bridge::BridgeConfig config = test::two_port_config("sw1", 200'000);
  config.streams.push_back({"motion", *MacAddress::parse("91:e0:f0:00:00:01"), 100, Nanos{100'000}, 6});
  config.static_fdb.push_back({*MacAddress::parse("91:e0:f0:00:00:01"), 100, {"p2"}});
  // Built whole, not assigned member by member: GCC 12 at -O3 takes the string assignments
  // into a default-constructed entry for reads of uninitialised memory (-Wmaybe-uninitialized).
  bridge::StreamGate g;
  g.schedule.gate_enabled = false;
  g.schedule.admin_gate_states = 1;
  g.ipv = 7;
  config.protection.stream_filters.push_back(
      bridge::StreamFilterEntry{.stream = "motion", .port = "p1", .priority = 6, .gate = g});

  json sent = bridge::to_json(config);
  REQUIRE(sent["stream-filters"][0]["stream-gate"]["ipv"] == 7);
  auto r = send(http::verb::put, "/api/v1/staged?transaction=t1", sent.dump());
  REQUIRE(r.result_int() == 200);
  const json staged = body(send(http::verb::get, "/api/v1/staged"));
  CHECK(staged["config"]["stream-filters"][0]["stream-gate"]["ipv"] == 7);
  REQUIRE(store.staged());
  CHECK(store.staged()->config.protection == config.protection);

  const std::int64_t base = ns_of(clock.now() + 5ms);
  const json commit{
      {"transaction", "t1"},
      {"base-time", {{"seconds", std::to_string(base / 1'000'000'000)}, {"nanoseconds", base % 1'000'000'000}}}};
  REQUIRE(send(http::verb::post, "/api/v1/commit", commit.dump()).result_int() == 200);
  REQUIRE(store.committed());
  const bridge::StreamFilterEntry committed = store.committed()->config.protection.stream_filters.at(0);
  REQUIRE(committed.gate);
  CHECK(committed.gate->ipv == std::optional<std::uint8_t>(7));

  // An IPV that is no priority is refused at staging, naming where.
  sent["stream-filters"][0]["stream-gate"]["ipv"] = 8;
  r = send(http::verb::put, "/api/v1/staged?transaction=t2", sent.dump());
  CHECK(r.result_int() == 400);
  CHECK_THAT(std::string(r.body()), Catch::Contains("/stream-filters/0/stream-gate/ipv"));
}
