#pragma once
// GET /metrics over plain HTTP/1.1 for any takt process (dataplane, probe, controller): a
// Boost.Beast server on its own thread, so a scrape never runs on a packet or control loop.
// Rendering takes the registry's mutex only; writers keep recording while it runs.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "telemetry/metrics_registry.hpp"

namespace takt::telemetry {

// A plain-text page served next to /metrics (a health check, a build string).
struct TextEndpoint {
  std::string content_type = "text/plain; charset=utf-8";
  std::function<std::string()> body;  // called on the server thread for every GET
};

struct MetricsHttpOptions {
  std::string address = "0.0.0.0";   // IPv4 or IPv6 literal
  std::uint16_t port = 0;            // 0 picks a free port; MetricsHttpServer::port() tells which
  std::string server_name = "takt";  // the Server header
  // Prometheus keeps its connection open between scrapes; one idle longer than this is closed.
  std::chrono::seconds idle_timeout{60};
  std::map<std::string, TextEndpoint> extra_endpoints;  // by target, e.g. "/healthz"
};

class MetricsHttpServer {
 public:
  // Binds at once (throws std::runtime_error naming the address and the reason when it cannot)
  // and serves until stop() or destruction. The registry must outlive the server.
  MetricsHttpServer(const MetricsRegistry& registry, MetricsHttpOptions options);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  std::uint16_t port() const;
  // "http://<address>:<port>/metrics", for log lines.
  std::string url() const;
  // GET /metrics answered so far.
  std::uint64_t scrapes() const;

  // Closes the listening socket and every open connection (an in-flight response is cut
  // off), then joins the server thread. Idempotent; safe from any thread but the server's own.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace takt::telemetry
