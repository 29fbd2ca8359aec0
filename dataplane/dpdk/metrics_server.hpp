#pragma once
// A tiny plain-HTTP server for GET /metrics on its own thread, away from the packet lcore.
// One request per connection; the next issue's switch agent grows the configuration API.
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "dataplane/core/metrics_registry.hpp"

namespace takt::dpdk {

class MetricsServer {
 public:
  // Binds at once (throws std::runtime_error naming the address when it cannot) and serves
  // until stop() or destruction. Port 0 picks a free port; port() tells which.
  MetricsServer(const telemetry::MetricsRegistry& registry, const std::string& address, std::uint16_t port);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace takt::dpdk
