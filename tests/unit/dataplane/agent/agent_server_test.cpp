#include <catch2/catch.hpp>

#include <boost/beast/http/verb.hpp>

#include "control/southbound/agent_client.hpp"
#include "control/southbound/parallel.hpp"
#include "dataplane/agent/agent_service.hpp"
#include "protocol/bridge_config_json.hpp"
#include "tests/support/pki_fixture.hpp"
#include "tests/support/agent_test_support.hpp"

using namespace takt;
using namespace takt::agent;
using boost::beast::http::verb;

namespace {

struct TlsAgent {
  test::ManualClock clock;
  GateEngineRuntime runtime{test::ports({"p1", "p2"}), [this] { return clock.now(); }};
  ClockHealthSource health{std::nullopt};
  std::unique_ptr<AgentService> service;

  explicit TlsAgent(const test::Pki& pki, std::size_t max_requests_per_connection = 1000) {
    AgentServiceOptions o;
    o.server.max_requests_per_connection = max_requests_per_connection;
    o.api.bridge = "sw1";
    o.server.port = 0;
    o.server.certificate_file = pki.server_cert;
    o.server.private_key_file = pki.server_key;
    o.server.ca_file = pki.ca;
    service = std::make_unique<AgentService>(o, runtime, health);
    service->start();
  }
};

southbound::AgentEndpoint endpoint(std::uint16_t port, const std::string& host, std::string ca, std::string cert = "",
                                   std::string key = "") {
  southbound::AgentEndpoint e;
  e.bridge = "sw1";
  southbound::parse_agent_url(e, "https://" + host + ":" + std::to_string(port));
  e.ca_file = std::move(ca);
  e.certificate_file = std::move(cert);
  e.private_key_file = std::move(key);
  e.request_timeout = std::chrono::seconds(5);
  return e;
}

southbound::AgentReply exchange(const southbound::AgentEndpoint& e, verb v, const std::string& target,
                                std::string body = {}) {
  boost::asio::io_context io;
  southbound::AgentClient client(io, e);
  return southbound::on_one<southbound::AgentReply>(
      io, client, [&](southbound::AgentClient& c) { return c.request(v, target, body); });
}

std::string config_body() { return bridge::to_json(test::two_port_config("sw1", 200'000)).dump(); }

}  // namespace

TEST_CASE("TLS agent: a client with a certificate from our CA may write", "[agent][tls]") {
  test::Pki pki;
  TlsAgent agent(pki);
  const auto e = endpoint(agent.service->port(), "127.0.0.1", pki.ca, pki.client_cert, pki.client_key);
  CHECK(exchange(e, verb::put, "/api/v1/staged?transaction=t1", config_body()).status == 200);
  CHECK(agent.service->store().staged());
  // The server certificate names localhost as well as 127.0.0.1.
  CHECK(exchange(endpoint(agent.service->port(), "localhost", pki.ca, pki.client_cert, pki.client_key), verb::get,
                 "/api/v1/staged")
            .status == 200);
}

TEST_CASE("TLS agent: writes without a client certificate are refused with 403, reads are served", "[agent][tls]") {
  test::Pki pki;
  TlsAgent agent(pki);
  const auto e = endpoint(agent.service->port(), "127.0.0.1", pki.ca);
  const auto write = exchange(e, verb::put, "/api/v1/staged?transaction=t1", config_body());
  CHECK(write.status == 403);
  CHECK_THAT(write.body, Catch::Contains("no client certificate was presented"));
  CHECK_FALSE(agent.service->store().staged());
  CHECK(exchange(e, verb::get, "/api/v1/bridge").status == 200);
}

TEST_CASE("TLS agent: a client certificate from another CA is refused with 403 and the reason", "[agent][tls]") {
  test::Pki pki;
  TlsAgent agent(pki);
  const auto e = endpoint(agent.service->port(), "127.0.0.1", pki.ca, pki.rogue_client_cert, pki.rogue_client_key);
  const auto write =
      exchange(e, verb::post, "/api/v1/commit", R"({"transaction":"t1","base-time":{"seconds":"2000"}})");
  CHECK(write.status == 403);
  CHECK_THAT(write.body, Catch::Contains("CN = intruder") || Catch::Contains("CN=intruder"));
  CHECK_THAT(write.body, Catch::Contains("was not accepted"));
}

TEST_CASE("TLS client: an agent whose certificate our CA did not sign is not talked to", "[agent][tls]") {
  test::Pki pki;
  TlsAgent agent(pki);
  const auto e = endpoint(agent.service->port(), "127.0.0.1", pki.rogue_ca, pki.client_cert, pki.client_key);
  try {
    exchange(e, verb::get, "/api/v1/bridge");
    FAIL("talked to an agent with an untrusted certificate");
  } catch (const southbound::AgentError& err) {
    CHECK_THAT(err.what(), Catch::Contains("sw1 (https://127.0.0.1:") && Catch::Contains("TLS handshake") &&
                               Catch::Contains("certificate"));
  }
}

TEST_CASE("TLS agent: a kept connection serves a bounded number of requests, then the agent closes it",
          "[agent][tls]") {
  test::Pki pki;
  TlsAgent agent(pki, 2);
  const auto e = endpoint(agent.service->port(), "127.0.0.1", pki.ca, pki.client_cert, pki.client_key);
  boost::asio::io_context io;
  southbound::AgentClient client(io, e);
  for (int i = 0; i < 5; ++i)
    CHECK(southbound::on_one<southbound::AgentReply>(io, client, [](southbound::AgentClient& c) {
            return c.request(verb::get, "/api/v1/bridge");
          }).status == 200);
  // Requests 1-2 and 3-4 on one connection each (the second answer said "Connection: close"),
  // 5 on a third; the client never had to find a closed connection by failing on it.
  CHECK(client.stats().connections == 3);
  CHECK(client.stats().kept_requests == 2);
  CHECK(client.stats().reopened == 0);
  CHECK(client.stats().resumed_sessions == 2);  // the new connections resumed the TLS session
}

TEST_CASE("plain HTTP serves loopback only", "[agent][plain]") {
  test::ManualClock clock;
  GateEngineRuntime runtime{test::ports({"p1"}), [&] { return clock.now(); }};
  ClockHealthSource health{std::nullopt};
  AgentServiceOptions o;
  o.api.bridge = "sw1";
  o.server.plain_http = true;
  o.server.port = 0;
  for (const char* address : {"0.0.0.0", "192.0.2.1", "::"}) {
    o.server.address = address;
    try {
      AgentService refused(o, runtime, health);
      FAIL("plain HTTP bound " << address);
    } catch (const std::runtime_error& e) {
      CHECK_THAT(e.what(), Catch::Contains("plain HTTP serves loopback only"));
    }
  }
  o.server.address = "127.0.0.1";
  AgentService service(o, runtime, health);
  service.start();
  southbound::AgentEndpoint e;
  e.bridge = "sw1";
  southbound::parse_agent_url(e, "http://127.0.0.1:" + std::to_string(service.port()));
  CHECK(exchange(e, verb::get, "/api/v1/health").status == 200);
}

TEST_CASE("client errors name the peer and the reason", "[agent][client]") {
  southbound::AgentEndpoint e;
  e.bridge = "sw9";
  southbound::parse_agent_url(e, "http://127.0.0.1:1");  // nothing listens on port 1
  try {
    exchange(e, verb::get, "/api/v1/bridge");
    FAIL("connected to port 1");
  } catch (const southbound::AgentError& err) {
    CHECK_THAT(err.what(), Catch::StartsWith("sw9 (http://127.0.0.1:1): connect: ") && Catch::Contains("refused"));
  }
}
