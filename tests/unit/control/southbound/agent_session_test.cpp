// Kept connections and resumed TLS sessions of agent clients (agent_client.hpp, agent_pool.hpp,
// tls_session_cache.hpp) against real takt-agent processes on loopback, and the retry rules of a
// kept connection against a scripted HTTP peer.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/verb.hpp>

#include "control/southbound/agent_calls.hpp"
#include "control/southbound/agent_pool.hpp"
#include "control/southbound/installer.hpp"
#include "control/southbound/parallel.hpp"
#include "control/southbound/tls_session_cache.hpp"
#include "tests/support/agent_process.hpp"
#include "tests/support/agent_test_support.hpp"
#include "tests/support/pki_fixture.hpp"

using namespace takt;
using namespace std::chrono_literals;
using boost::beast::http::verb;

namespace {

std::vector<std::string> tls_args(const agent::test::Pki& pki, bool rogue = false) {
  const std::string dir = (pki.dir / (rogue ? "rogue" : "good")).string();
  return {"--cert", dir + "/server-localhost.pem", "--key", dir + "/server-localhost.key", "--ca", pki.ca};
}

southbound::AgentEndpoint endpoint_of(const test::AgentProcess& a, const agent::test::Pki& pki) {
  southbound::AgentEndpoint e;
  e.bridge = a.bridge();
  southbound::parse_agent_url(e, "https://127.0.0.1:" + std::to_string(a.port()));
  e.ca_file = pki.ca;
  e.certificate_file = pki.client_cert;
  e.private_key_file = pki.client_key;
  e.connect_timeout = 1s;
  e.request_timeout = 2s;
  return e;
}

// One call on `client`, synchronously, on its io_context.
southbound::RunningState read(boost::asio::io_context& io, southbound::AgentClient& client) {
  return southbound::on_one<southbound::RunningState>(
      io, client, [](southbound::AgentClient& c) { return southbound::read_running(c); });
}

std::string abort_on(boost::asio::io_context& io, southbound::AgentClient& client) {
  return southbound::on_one<std::string>(io, client,
                                         [](southbound::AgentClient& c) { return southbound::abort(c, "t-none"); });
}

// A plain HTTP/1.1 peer on loopback that answers the first request of its first connection and
// then, on that connection, takes the next request and closes without an answer (an agent that
// dropped a kept connection just as the request went out). Later connections are answered.
class DroppingPeer {
 public:
  DroppingPeer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { run(); });
  }
  ~DroppingPeer() {
    stop_ = true;
    boost::system::error_code ec;
    // Wakes the accept below with a connection of our own.
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int requests() const { return requests_; }  // read in full, answered or not

 private:
  using tcp = boost::asio::ip::tcp;
  // Reads one request (headers, then Content-Length bytes of body); false at end of stream.
  bool read_request(tcp::socket& s, std::string& buffer) {
    boost::system::error_code ec;
    const std::size_t head = boost::asio::read_until(s, boost::asio::dynamic_buffer(buffer), "\r\n\r\n", ec);
    if (ec) return false;
    std::size_t length = 0;
    const auto at = buffer.find("Content-Length: ");
    if (at != std::string::npos && at < head) length = std::stoul(buffer.substr(at + 16));
    while (buffer.size() < head + length) {
      char chunk[4096];
      const std::size_t n = s.read_some(boost::asio::buffer(chunk), ec);
      if (ec) return false;
      buffer.append(chunk, n);
    }
    buffer.erase(0, head + length);
    ++requests_;
    return true;
  }
  void answer(tcp::socket& s) {
    const std::string body = R"({"outcome":"nothing-to-abort"})";
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/yang-data+json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
    boost::system::error_code ec;
    boost::asio::write(s, boost::asio::buffer(reply), ec);
  }
  void run() {
    for (int connection = 0; !stop_; ++connection) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      std::string buffer;
      for (int request = 0; read_request(s, buffer); ++request) {
        if (connection == 0 && request == 1) break;  // dropped unanswered
        answer(s);
      }
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

southbound::AgentEndpoint plain_endpoint(std::uint16_t port) {
  southbound::AgentEndpoint e;
  e.bridge = "sw1";
  southbound::parse_agent_url(e, "http://127.0.0.1:" + std::to_string(port));
  e.connect_timeout = 1s;
  e.request_timeout = 2s;
  return e;
}

}  // namespace

TEST_CASE("agent client: calls after the first reuse its connection and no new handshake is made",
          "[southbound][session]") {
  southbound::TlsSessionCache::process().clear();
  agent::test::Pki pki;
  test::AgentProcess agent("sw1", tls_args(pki), pki.dir);
  boost::asio::io_context io;
  southbound::AgentClient client(io, endpoint_of(agent, pki));
  for (int i = 0; i < 4; ++i) read(io, client);
  CHECK(client.stats().connections == 1);
  CHECK(client.stats().requests == 4);
  CHECK(client.stats().kept_requests == 3);
  CHECK(client.stats().resumed_sessions == 0);  // the first handshake is a full one
}

TEST_CASE("agent client: a new connection resumes the kept TLS session, also from another client",
          "[southbound][session]") {
  southbound::TlsSessionCache::process().clear();
  agent::test::Pki pki;
  test::AgentProcess agent("sw1", tls_args(pki), pki.dir);
  boost::asio::io_context io;
  southbound::AgentClient client(io, endpoint_of(agent, pki));
  read(io, client);
  client.close();
  read(io, client);
  CHECK(client.stats().connections == 2);
  CHECK(client.stats().resumed_sessions == 1);

  southbound::AgentClient other(io, endpoint_of(agent, pki));
  read(io, other);
  CHECK(other.stats().resumed_sessions == 1);
  // Writes on a resumed session still carry the client certificate's verdict (no 403).
  CHECK(abort_on(io, other) == "nothing-to-abort");

  // Under another name for the same agent, the session is not offered: a full handshake
  // checks that name against the certificate.
  auto by_name = endpoint_of(agent, pki);
  southbound::parse_agent_url(by_name, "https://localhost:" + std::to_string(agent.port()));
  southbound::AgentClient named(io, by_name);
  read(io, named);
  CHECK(named.stats().resumed_sessions == 0);
}

TEST_CASE("agent client: an agent restarted between calls is reached again, also by a POST", "[southbound][session]") {
  southbound::TlsSessionCache::process().clear();
  agent::test::Pki pki;
  test::AgentProcess agent("sw1", tls_args(pki), pki.dir);
  boost::asio::io_context io;
  southbound::AgentClient client(io, endpoint_of(agent, pki));
  read(io, client);
  agent.restart();  // same port; the kept connection is closed, its session unknown to the new process
  // A POST may only go out on a connection known to be open: the closed one is found before sending.
  CHECK(abort_on(io, client) == "nothing-to-abort");
  CHECK(client.stats().reopened == 1);
  CHECK(client.stats().connections == 2);
  CHECK(client.stats().resumed_sessions == 0);  // the new agent could not take up the old ticket
  read(io, client);
  CHECK(client.stats().connections == 2);
}

TEST_CASE("agent client: an agent with a certificate our CA did not sign is refused on reuse too",
          "[southbound][session]") {
  southbound::TlsSessionCache::process().clear();
  agent::test::Pki pki;
  test::AgentProcess agent("sw1", tls_args(pki), pki.dir);
  boost::asio::io_context io;
  southbound::AgentClient client(io, endpoint_of(agent, pki));
  read(io, client);
  CHECK(southbound::TlsSessionCache::process().size() == 1);
  // Another agent on the same address, its certificate from the rogue CA.
  agent.restart(tls_args(pki, true));
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      read(io, client);
      FAIL("talked to an agent whose certificate our CA did not sign");
    } catch (const southbound::AgentError& e) {
      CHECK_THAT(e.what(), Catch::Contains("TLS handshake") && Catch::Contains("certificate was not accepted"));
    }
  }
  CHECK(southbound::TlsSessionCache::process().size() == 0);  // the refused peer's session is gone
  CHECK(client.stats().resumed_sessions == 0);
  CHECK(client.stats().requests == 1);
}

TEST_CASE("agent client: a kept connection dropped as a GET went out is retried once on a new one",
          "[southbound][session]") {
  DroppingPeer peer;
  boost::asio::io_context io;
  southbound::AgentClient client(io, plain_endpoint(peer.port()));
  auto get = [&] {
    return southbound::on_one<southbound::AgentReply>(
        io, client, [](southbound::AgentClient& c) { return c.request(verb::get, "/api/v1/bridge"); });
  };
  CHECK(get().status == 200);
  CHECK(get().status == 200);  // the second went out twice: dropped, then answered on a new connection
  CHECK(peer.requests() == 3);
  CHECK(client.stats().reopened == 1);
  CHECK(client.stats().connections == 2);
}

TEST_CASE("agent client: a kept connection dropped as a POST went out surfaces the error, never sends it twice",
          "[southbound][session]") {
  DroppingPeer peer;
  boost::asio::io_context io;
  southbound::AgentClient client(io, plain_endpoint(peer.port()));
  CHECK(abort_on(io, client) == "nothing-to-abort");
  try {
    abort_on(io, client);
    FAIL("a dropped POST was reported as answered");
  } catch (const southbound::AgentError& e) {
    CHECK_THAT(e.what(), Catch::Contains("sw1 (http://127.0.0.1:") && Catch::Contains("POST /api/v1/abort"));
  }
  CHECK(peer.requests() == 2);  // the POST arrived once
  CHECK(client.stats().connections == 1);
  // The next call opens a new connection.
  CHECK(abort_on(io, client) == "nothing-to-abort");
  CHECK(client.stats().connections == 2);
}

TEST_CASE("agent pool: a second install reuses every connection of the first", "[southbound][session]") {
  southbound::AgentPool::process().clear();
  agent::test::Pki pki;
  std::vector<std::unique_ptr<test::AgentProcess>> agents;
  std::vector<southbound::AgentEndpoint> endpoints;
  southbound::DesiredPlant plans[2];
  for (const char* name : {"sw1", "sw2", "sw3"}) {
    agents.push_back(std::make_unique<test::AgentProcess>(name, tls_args(pki), pki.dir));
    endpoints.push_back(endpoint_of(*agents.back(), pki));
    for (int k = 0; k < 2; ++k)
      plans[k].bridges.emplace(name, agent::test::two_port_config(name, k ? 600'000 : 200'000));
  }
  for (auto& p : plans) {
    p.plant = "test-cell";
    p.hyperperiod = 1ms;
    p.sync_budget = 1us;
  }
  southbound::InstallOptions options;
  options.lead = 150ms;
  options.allow_unsynchronised = true;
  options.wait_for_oper = false;
  southbound::install(plans[0], endpoints, options);
  std::vector<southbound::AgentClientStats> after_first;
  {
    auto lease = southbound::AgentPool::process().lease();
    CHECK(lease.shared());
    for (const auto& e : endpoints) after_first.push_back(lease.client(e).stats());
  }
  southbound::install(plans[1], endpoints, options);
  auto lease = southbound::AgentPool::process().lease();
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    INFO(endpoints[i].bridge);
    const auto& now = lease.client(endpoints[i]).stats();
    CHECK(after_first[i].connections == 1);
    CHECK(now.connections == 1);
    CHECK(now.requests > after_first[i].requests);
    CHECK(now.kept_requests == now.requests - 1);
  }
  // Another thread meanwhile gets clients of its own, not the ones this lease lends.
  bool other_shared = true, same_client = true;
  std::thread([&] {
    auto other = southbound::AgentPool::process().lease();
    other_shared = other.shared();
    same_client = &other.client(endpoints[0]) == &lease.client(endpoints[0]);
  }).join();
  CHECK_FALSE(other_shared);
  CHECK_FALSE(same_client);
}
