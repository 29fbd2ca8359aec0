#include "dataplane/bpf/station_api.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dataplane/core/config_error.hpp"

using namespace takt;
using namespace takt::station;
using takt::agent::HttpRequest;
using takt::agent::PeerIdentity;
namespace http = takt::agent::http;

namespace {

StationConfig config_for(const std::string& station) {
  StationConfig c;
  c.plant = "cell";
  c.station = station;
  ListenerStream l;
  l.name = "axis";
  l.kind = StreamKind::bounded;  // no arrival window to give
  l.interval = Nanos{1'000'000};
  l.max_frame_bytes = 100;
  l.destination = *MacAddress::parse("91:e0:f0:00:00:01");
  l.vlan = 100;
  l.pcp = 6;
  l.max_latency = Nanos{500'000};
  l.talker = "plc";
  c.listens.push_back(l);
  return c;
}

HttpRequest request(http::verb verb, const std::string& target, const std::string& body = {}) {
  HttpRequest r{verb, target, 11};
  r.body() = body;
  r.prepare_payload();
  return r;
}

const PeerIdentity kVerified{"127.0.0.1:1", true, true, "CN=taktctl", ""};

struct Fixture {
  telemetry::MetricsRegistry registry;
  StationConfig running = config_for("io1");
  int applied = 0;
  StationApi api{"io1",
                 {[this] { return std::make_pair(running, std::uint64_t{1}); },
                  [this](const StationConfig& c) {
                    if (c.listens.size() > 1) throw ConfigError("streams 'a' and 'b' have the same address");
                    running = c;
                    ++applied;
                  }},
                 registry};
};

}  // namespace

TEST_CASE("station API: PUT swaps a valid configuration for this station in", "[station_api]") {
  Fixture f;
  auto next = config_for("io1");
  next.listens[0].name = "axis-2";
  const auto r = f.api.handle(request(http::verb::put, "/api/v1/station", to_json(next).dump()), kVerified);
  CHECK(r.result_int() == 200);
  CHECK(f.applied == 1);
  CHECK(f.running.listens[0].name == "axis-2");
  const auto body = nlohmann::json::parse(r.body());
  CHECK(body["applied"] == true);
  CHECK(body["listens"] == 1);
  // GET shows what runs now.
  const auto g = f.api.handle(request(http::verb::get, "/api/v1/station"), kVerified);
  CHECK(g.result_int() == 200);
  CHECK(nlohmann::json::parse(g.body())["config"]["listens"][0]["stream"] == "axis-2");
}

TEST_CASE("station API: refusals change nothing and say why", "[station_api]") {
  Fixture f;
  SECTION("another station's configuration") {
    const auto r =
        f.api.handle(request(http::verb::put, "/api/v1/station", to_json(config_for("io2")).dump()), kVerified);
    CHECK(r.result_int() == 400);
    CHECK_THAT(r.body(), Catch::Contains("for end station \\\"io2\\\", this is \\\"io1\\\""));
  }
  SECTION("a member out of range, named by its pointer") {
    auto j = to_json(config_for("io1"));
    j["listens"][0]["vlan"] = 4095;
    const auto r = f.api.handle(request(http::verb::put, "/api/v1/station", j.dump()), kVerified);
    CHECK(r.result_int() == 400);
    CHECK_THAT(r.body(), Catch::Contains("/listens/0/vlan"));
  }
  SECTION("not JSON, or nested beyond the limit") {
    CHECK(f.api.handle(request(http::verb::put, "/api/v1/station", "{\"format\":"), kVerified).result_int() == 400);
    CHECK(f.api.handle(request(http::verb::put, "/api/v1/station", std::string(200, '[')), kVerified).result_int() ==
          400);
  }
  SECTION("a plan the station cannot carry") {
    auto two = config_for("io1");
    two.listens.push_back(two.listens[0]);
    two.listens[1].name = "other";
    const auto r = f.api.handle(request(http::verb::put, "/api/v1/station", to_json(two).dump()), kVerified);
    CHECK(r.result_int() == 400);
    CHECK_THAT(r.body(), Catch::Contains("nothing changed"));
  }
  SECTION("a writer without a verified client certificate") {
    const PeerIdentity anonymous{"127.0.0.1:2", true, false, "", "no certificate"};
    const auto r =
        f.api.handle(request(http::verb::put, "/api/v1/station", to_json(config_for("io1")).dump()), anonymous);
    CHECK(r.result_int() == 403);
    // Reads stay open (Prometheus, taktctl status).
    CHECK(f.api.handle(request(http::verb::get, "/api/v1/station"), anonymous).result_int() == 200);
  }
  SECTION("unknown resources and methods") {
    CHECK(f.api.handle(request(http::verb::get, "/api/v1/bridge"), kVerified).result_int() == 404);
    CHECK(f.api.handle(request(http::verb::post, "/api/v1/station"), kVerified).result_int() == 405);
  }
  CHECK(f.applied == 0);
  CHECK(f.running == config_for("io1"));
}

TEST_CASE("station API: /metrics renders the station's registry", "[station_api]") {
  Fixture f;
  f.registry.counter("takt_station_frames_received_total", "Frames", {"stream"}).with({"axis"}).add(0, 3);
  const auto r = f.api.handle(request(http::verb::get, "/metrics"), PeerIdentity{});
  CHECK(r.result_int() == 200);
  CHECK_THAT(r.body(), Catch::Contains("takt_station_frames_received_total{stream=\"axis\"} 3"));
}
