#pragma once
// The dataplane's Prometheus metrics, declared in dataplane/core's MetricsRegistry. Histograms
// and gauges the packet lcore writes are created first and handed to the Forwarder; counters
// the lcore already keeps (core PortCounters, QueueCounters, StreamCounters) are exposed by
// callbacks that read them at scrape, as dataplane/core/counters.hpp intends.
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

// Set by the control thread after each clock refit and schedule change.
struct ControlGauges {
  telemetry::Gauge& clock_residual_max;
  telemetry::Gauge& clock_residual_rms;
  telemetry::Gauge& tsc_frequency;
  telemetry::Gauge& schedule_generation;
};
ControlGauges declare_control_metrics(telemetry::MetricsRegistry& registry);

}  // namespace takt::dpdk
