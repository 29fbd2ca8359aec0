#pragma once
// The agent's HTTP(S) listener: Boost.Beast over Asio, one coroutine per connection, HTTP/1.1
// keep-alive, every read and write under a timeout. TLS by default with client certificates
// checked against a CA; connections without a valid one can still read (PeerIdentity says
// why they are not verified, and the handler refuses their writes with 403). Plain HTTP binds
// only loopback addresses: it is for development on one machine.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "dataplane/agent/request_handler.hpp"

namespace takt::agent {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;  // 0: any free port (see AgentServer::port())
  bool plain_http = false;
  std::string certificate_file;                  // PEM, server certificate (chain)
  std::string private_key_file;                  // PEM
  std::string ca_file;                           // PEM, CA that signs client certificates
  std::chrono::milliseconds io_timeout{10'000};  // also how long a kept connection may idle
  // Requests served on one kept (HTTP/1.1 keep-alive) connection: the last is answered with
  // "Connection: close", so one client cannot hold a connection's state forever.
  std::size_t max_requests_per_connection = 1000;
  // Connections served at once: one more is answered 503 and closed. When accept fails for
  // want of file descriptors, the oldest idle connection is closed and accepting backs off
  // (10 ms doubling to 1 s) instead of retrying at once.
  std::size_t max_connections = 64;
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // larger: 413
  std::uint32_t max_header_bytes = 16 * 1024;    // request line and headers; larger: 431
};

class AgentServer {
 public:
  // Binds and listens; throws std::runtime_error with what to fix (plain HTTP on a
  // non-loopback address, unreadable certificate files, address in use).
  AgentServer(boost::asio::io_context& io, ServerOptions options, RequestHandler& api);
  ~AgentServer();
  AgentServer(const AgentServer&) = delete;
  AgentServer& operator=(const AgentServer&) = delete;

  std::uint16_t port() const;
  // Starts accepting on the io_context; connections are served while it runs.
  void start();
  // Stops accepting; open connections end at their next timeout or close.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace takt::agent
