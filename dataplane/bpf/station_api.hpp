#pragma once
// takt-station's HTTP API, served by the switch agent's server (same TLS, client certificates,
// limits and timeouts), so `taktctl apply` installs a new plan on an end station as on a
// bridge, and the swap happens in place (maps replaced, programs stay attached):
//
//   GET /api/v1/station   the running takt-station/1 configuration and how many plans loaded
//   PUT /api/v1/station   a takt-station/1 configuration for this end station: validated
//                         completely and translated into map contents before anything changes
//                         (400 naming the member or the streams, nothing changes); then swapped
//   GET /metrics          Prometheus text
//
// Writes need a client certificate the station's CA signed when it serves TLS (403 and why).
#include <cstdint>
#include <functional>
#include <string>

#include "dataplane/agent/request_handler.hpp"
#include "protocol/station_config.hpp"
#include "telemetry/metrics_registry.hpp"

namespace takt::station {

struct StationApiHooks {
  // The configuration running now and how many plans were loaded since start.
  std::function<std::pair<StationConfig, std::uint64_t>()> current;
  // Swaps to `config`; throws ConfigError when it cannot be carried (nothing changed then).
  std::function<void(const StationConfig&)> apply;
};

class StationApi final : public agent::RequestHandler {
 public:
  StationApi(std::string station, StationApiHooks hooks, const telemetry::MetricsRegistry& metrics);
  agent::HttpResponse handle(const agent::HttpRequest& request, const agent::PeerIdentity& peer) override;

 private:
  agent::HttpResponse route(const agent::HttpRequest& request, const agent::PeerIdentity& peer);

  std::string station_;
  StationApiHooks hooks_;
  const telemetry::MetricsRegistry& metrics_;
};

}  // namespace takt::station
