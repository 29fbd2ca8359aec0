// taktctl apply's end-station part against takt-station's real API (StationApi served by the
// agent's server over TLS with client certificates, in this process; the maps behind it are
// replaced by a recorder, so no BPF or root is needed).
#include <catch2/catch.hpp>

#include <thread>

#include <boost/asio/io_context.hpp>

#include "control/southbound/station_installer.hpp"
#include "dataplane/agent/agent_server.hpp"
#include "dataplane/bpf/station_api.hpp"
#include "dataplane/core/config_error.hpp"
#include "tests/support/pki_fixture.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

station::StationConfig config_for(const std::string& name, const std::string& stream) {
  station::StationConfig c;
  c.plant = "cell";
  c.station = name;
  station::ListenerStream l;
  l.name = stream;
  l.kind = station::StreamKind::bounded;
  l.interval = Nanos{1'000'000};
  l.max_frame_bytes = 100;
  l.destination = *MacAddress::parse("91:e0:f0:00:00:01");
  l.vlan = 100;
  l.pcp = 4;
  l.max_latency = Nanos{500'000};
  l.talker = "plc";
  c.listens.push_back(l);
  return c;
}

// One takt-station API on loopback; `refuse` makes its maps refuse every plan.
struct Station {
  std::string name;
  bool refuse = false;
  station::StationConfig running;
  int applied = 0;
  telemetry::MetricsRegistry registry;
  boost::asio::io_context io;
  station::StationApi api;
  agent::AgentServer server;
  std::thread thread;

  Station(std::string n, const agent::test::Pki& pki, bool refuses = false)
      : name(n),
        refuse(refuses),
        running(config_for(n, "old")),
        api(n,
            {[this] { return std::make_pair(running, std::uint64_t{1}); },
             [this](const station::StationConfig& c) {
               if (refuse) throw ConfigError("streams 'a' and 'b' have the same destination address and VLAN");
               running = c;
               ++applied;
             }},
            registry),
        server(io, options(pki), api) {
    server.start();
    thread = std::thread([this] { io.run(); });
  }
  ~Station() {
    server.stop();
    io.stop();
    thread.join();
  }
  static agent::ServerOptions options(const agent::test::Pki& pki) {
    agent::ServerOptions o;
    o.port = 0;
    o.certificate_file = pki.server_cert;
    o.private_key_file = pki.server_key;
    o.ca_file = pki.ca;
    return o;
  }
  southbound::AgentEndpoint endpoint(const agent::test::Pki& pki) const {
    southbound::AgentEndpoint e;
    e.bridge = name;
    southbound::parse_agent_url(e, "https://127.0.0.1:" + std::to_string(server.port()));
    e.ca_file = pki.ca;
    e.certificate_file = pki.client_cert;
    e.private_key_file = pki.client_key;
    e.connect_timeout = 1s;
    e.request_timeout = 2s;
    return e;
  }
};

southbound::DesiredPlant plan_with(std::initializer_list<const char*> stations) {
  southbound::DesiredPlant d;
  d.plant = "cell";
  for (const char* s : stations) d.stations.emplace(s, config_for(s, "new"));
  return d;
}

}  // namespace

TEST_CASE("station install: every station with an endpoint gets its configuration, in place", "[southbound][station]") {
  agent::test::Pki pki;
  Station io1("io1", pki);
  Station io2("io2", pki);
  const std::vector endpoints{io1.endpoint(pki), io2.endpoint(pki)};
  const auto desired = plan_with({"io1", "io2", "io3"});
  CHECK(southbound::check_stations(desired, endpoints).empty());
  const auto report = southbound::install_stations(desired, endpoints);
  CHECK(report.all_installed());
  REQUIRE(report.outcomes.size() == 2);
  CHECK(report.outcomes[0].detail == "0 talked, 1 listened");
  CHECK(io1.applied == 1);
  CHECK(io2.applied == 1);
  CHECK(io1.running == config_for("io1", "new"));
  // A station of the plan without an endpoint is named, not failed.
  CHECK(report.unmanaged == std::vector<std::string>{"io3"});
}

TEST_CASE("station install: refusals and unreachable stations are named with the reason", "[southbound][station]") {
  agent::test::Pki pki;
  Station io1("io1", pki, /*refuses=*/true);
  auto gone = io1.endpoint(pki);
  gone.bridge = "io2";
  southbound::parse_agent_url(gone, "https://127.0.0.1:1");  // nothing listens there
  const auto desired = plan_with({"io1", "io2"});
  const auto unreachable = southbound::check_stations(desired, {io1.endpoint(pki), gone});
  REQUIRE(unreachable.size() == 1);
  CHECK_THAT(unreachable[0], Catch::Contains("io2 (https://127.0.0.1:1)"));

  const auto report = southbound::install_stations(desired, {io1.endpoint(pki)});
  CHECK_FALSE(report.all_installed());
  REQUIRE(report.outcomes.size() == 1);
  CHECK_THAT(report.outcomes[0].detail, Catch::Contains("io1 (https://127.0.0.1:"));
  CHECK_THAT(report.outcomes[0].detail, Catch::Contains("same destination address and VLAN"));
  CHECK(io1.running == config_for("io1", "old"));

  // Without our client certificate the station refuses the write (403) and keeps its plan.
  auto anonymous = io1.endpoint(pki);
  anonymous.certificate_file.clear();
  anonymous.private_key_file.clear();
  io1.refuse = false;
  const auto refused = southbound::install_stations(desired, {anonymous});
  REQUIRE(refused.outcomes.size() == 1);
  CHECK_FALSE(refused.outcomes[0].installed);
  CHECK_THAT(refused.outcomes[0].detail, Catch::Contains("403"));
  CHECK(io1.applied == 0);
}
