#pragma once
// HTTP(S) client of one switch agent: Beast over Asio, TLS with the agent's server certificate
// checked against the CA and its name, our client certificate presented. Coroutine based, so
// an installer talks to all agents at once on one thread. Keeps one connection per agent
// (HTTP/1.1 keep-alive) and reuses it while it is fresh; a new connection resumes the agent's
// kept TLS session where it can (tls_session_cache.hpp). Every connect, handshake, write and read
// has a timeout.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "control/southbound/agent_endpoint.hpp"

namespace takt::southbound {

// A failed exchange with an agent. The message names the peer and the reason: "sw1
// (https://127.0.0.1:8443): connect: Connection refused", "... : PUT /api/v1/staged -> 400:
// port \"p9\" does not exist on this bridge".
class AgentError : public std::runtime_error {
 public:
  AgentError(const std::string& what, unsigned status = 0) : std::runtime_error(what), status_(status) {}
  unsigned status() const { return status_; }  // HTTP status, 0 when none arrived

 private:
  unsigned status_;
};

struct AgentReply {
  unsigned status = 0;
  std::string body;
};

// What a client did on the wire, for tests and benchmarks.
struct AgentClientStats {
  unsigned connections = 0;       // TCP connections opened
  unsigned resumed_sessions = 0;  // of them, TLS handshakes that resumed a kept session
  unsigned requests = 0;          // exchanges that got an answer
  unsigned kept_requests = 0;     // of them, on a connection an earlier exchange had used
  unsigned reopened = 0;          // kept connections given up (idle too long, closed by the agent, failed)
};

class AgentClient {
 public:
  // Throws AgentError when the TLS files cannot be used.
  AgentClient(boost::asio::io_context& io, AgentEndpoint endpoint);
  ~AgentClient();
  AgentClient(const AgentClient&) = delete;
  AgentClient& operator=(const AgentClient&) = delete;

  const AgentEndpoint& endpoint() const { return endpoint_; }

  // One request/response. Throws AgentError on connection problems and timeouts; any HTTP
  // status comes back as a reply. A kept connection the agent closed meanwhile is opened again
  // before sending; one that fails after the request went out is retried on a new connection
  // only for idempotent methods (GET, PUT, ...: RFC 9110 9.2.2), never for POST, whose first
  // attempt may have taken effect.
  boost::asio::awaitable<AgentReply> request(boost::beast::http::verb verb, std::string target, std::string body = {});

  // As request(), but a status other than 200 throws AgentError with the agent's "error"
  // message, and the body is parsed as JSON.
  boost::asio::awaitable<nlohmann::json> call(boost::beast::http::verb verb, std::string target, std::string body = {});

  void close();
  const AgentClientStats& stats() const { return stats_; }

 private:
  struct Connection;
  struct Attempt;
  using Clock = std::chrono::steady_clock;
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  boost::asio::awaitable<void> connect(Clock::time_point deadline);
  boost::asio::awaitable<Attempt> exchange(const Request& request, Clock::time_point deadline);
  bool kept_connection_usable();

  boost::asio::io_context& io_;
  AgentEndpoint endpoint_;
  struct Tls;
  std::unique_ptr<Tls> tls_;
  std::string session_key_;  // tls_session_key(endpoint_)
  std::unique_ptr<Connection> connection_;
  AgentClientStats stats_;
};

}  // namespace takt::southbound
