#pragma once
// The dataplane's Prometheus metrics, declared in dataplane/core's MetricsRegistry. Histograms
// and gauges the packet lcore writes are created first and handed to the Forwarder; counters
// the lcore already keeps (core PortCounters, QueueCounters, StreamCounters) are exposed by
// callbacks that read them at scrape, as dataplane/core/counters.hpp intends.
#include <cstddef>
#include <vector>

#include "protocol/bridge_config.hpp"
#include "telemetry/metrics_registry.hpp"
#include "dataplane/dpdk/forwarder.hpp"

namespace takt::dpdk {

// Per-stream residence time (with a bucket at the stream's max-latency), per-port gate launch
// lateness and per-queue depth.
ForwarderTelemetry declare_packet_metrics(telemetry::MetricsRegistry& registry, const bridge::BridgeConfig& config);

// Port, queue and stream counters and drops by reason, read from `forwarder` at scrape.
void expose_forwarder_counters(telemetry::MetricsRegistry& registry, const bridge::BridgeConfig& config,
                               const Forwarder& forwarder);

// The (stream row, ingress port) pairs that `config.protection` puts a stream filter on, in the
// order the filters are configured and without repeats (filters for several priorities of one
// stream and port share a counter row); the row of stream "*" is the wildcard row,
// config.streams.size(). Protection is fixed at start: a reload replaces only the ports' gates.
struct FilterRow {
  std::size_t stream = 0;
  std::size_t port = 0;
};
std::vector<FilterRow> configured_filter_rows(const bridge::BridgeConfig& config);

// 802.1Qci stream filter counters per configured (stream, port) and 802.1CB counters per stream
// this bridge generates sequence numbers for or recovers, read from `protection` at scrape.
void expose_protection_counters(telemetry::MetricsRegistry& registry, const bridge::BridgeConfig& config,
                                const ProtectionState& protection);

// Set by the control thread after each clock refit and schedule change.
struct ControlGauges {
  telemetry::Gauge& clock_residual_max;
  telemetry::Gauge& clock_residual_rms;
  telemetry::Gauge& tsc_frequency;
  telemetry::Gauge& schedule_generation;
};
ControlGauges declare_control_metrics(telemetry::MetricsRegistry& registry);

}  // namespace takt::dpdk
