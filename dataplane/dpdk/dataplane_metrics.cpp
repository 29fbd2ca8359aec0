#include "dataplane/dpdk/dataplane_metrics.hpp"

#include <atomic>
#include <string>

namespace takt::dpdk {

namespace {

using telemetry::LatencyBuckets;

// The packet lcore writes these plainly; an aligned 64-bit load never tears on x86-64 and a
// slightly stale value is fine for monitoring (see dataplane/core/counters.hpp).
std::uint64_t read_relaxed(const std::uint64_t& v) {
  return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(v)).load(std::memory_order_relaxed);
}

LatencyBuckets lateness_buckets() {
  using namespace std::chrono_literals;
  const Nanos bounds[] = {100ns, 200ns, 500ns, 1us, 2us, 5us, 10us, 20us, 50us, 100us, 200us, 500us, 1ms, 2ms, 5ms};
  return LatencyBuckets(bounds);
}

}  // namespace

ForwarderTelemetry declare_packet_metrics(telemetry::MetricsRegistry& registry, const bridge::BridgeConfig& config) {
  ForwarderTelemetry t;
  auto& residence =
      registry.histogram("takt_dataplane_residence_time_seconds",
                         "Time from reception to transmission start in this bridge, per stream", {"stream"});
  auto& misses =
      registry.counter("takt_dataplane_deadline_misses_total",
                       "Frames whose residence in this bridge alone exceeded their stream's max-latency", {"stream"});
  auto& overruns = registry.counter(
      "takt_dataplane_window_overruns_total",
      "Stream frames that fitted in an opening of their traffic class's gate and still left after it; for a "
      "scheduled stream the bridge did not run in time or the window held more frames than planned, for classes "
      "that share their gate it is ordinary queueing",
      {"stream"});
  for (const auto& s : config.streams) {
    t.residence.push_back(&residence.with({s.name}, LatencyBuckets::with_deadline(s.max_latency)));
    t.deadline_misses.push_back(&misses.with({s.name}));
    t.window_overruns.push_back(&overruns.with({s.name}));
    t.max_latency.push_back(s.max_latency);
  }
  auto& lateness = registry.histogram("takt_dataplane_gate_launch_lateness_seconds",
                                      "TX call time minus the gate opening a waiting frame was released by", {"port"});
  auto& depth = registry.gauge("takt_dataplane_queue_depth_frames", "Frames waiting in a traffic-class queue",
                               {"port", "traffic_class"});
  for (const auto& p : config.ports) {
    t.lateness.push_back(&lateness.with({p.name}, lateness_buckets()));
    std::array<telemetry::Gauge*, kTrafficClasses> gauges{};
    for (int tc = 0; tc < kTrafficClasses; ++tc) gauges[tc] = &depth.with({p.name, std::to_string(tc)});
    t.depth.push_back(gauges);
  }
  return t;
}

void expose_forwarder_counters(telemetry::MetricsRegistry& registry, const bridge::BridgeConfig& config,
                               const Forwarder& f) {
  auto& rx_frames = registry.counter("takt_dataplane_rx_frames_total", "Frames received", {"port"});
  auto& rx_bytes = registry.counter("takt_dataplane_rx_bytes_total", "Bytes received, FCS excluded", {"port"});
  auto& tx_frames = registry.counter("takt_dataplane_tx_frames_total", "Frames transmitted", {"port"});
  auto& tx_bytes = registry.counter("takt_dataplane_tx_bytes_total", "Bytes transmitted, FCS excluded", {"port"});
  auto& forwarded = registry.counter("takt_dataplane_forwarded_frames_total", "Received frames by forwarding decision",
                                     {"port", "decision"});
  auto& dropped =
      registry.counter("takt_dataplane_dropped_frames_total", "Frames dropped, by port and reason", {"port", "reason"});
  auto& q_enqueued = registry.counter("takt_dataplane_queue_enqueued_frames_total",
                                      "Frames enqueued per egress traffic class", {"port", "traffic_class"});
  auto& q_sent = registry.counter("takt_dataplane_queue_transmitted_frames_total",
                                  "Frames transmitted per egress traffic class", {"port", "traffic_class"});
  auto& learned = registry.counter("takt_dataplane_learned_stations_total", "Stations learned on a port", {"port"});

  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    const std::string& name = config.ports[i].name;
    const ForwarderPort* p = &f.ports()[i];
    const PortCounters* c = &p->counters;
    rx_frames.with_callback({name}, [c] { return read_relaxed(c->rx_frames); });
    rx_bytes.with_callback({name}, [c] { return read_relaxed(c->rx_bytes); });
    tx_frames.with_callback({name}, [c] { return read_relaxed(c->tx_frames); });
    tx_bytes.with_callback({name}, [c] { return read_relaxed(c->tx_bytes); });
    forwarded.with_callback({name, "static"}, [c] { return read_relaxed(c->forwarded_static); });
    forwarded.with_callback({name, "learned"}, [c] { return read_relaxed(c->forwarded_learned); });
    forwarded.with_callback({name, "flooded"}, [c] { return read_relaxed(c->flooded); });
    learned.with_callback({name}, [c] { return read_relaxed(c->learned_stations); });
    dropped.with_callback({name, "malformed"}, [c] { return read_relaxed(c->rx_malformed); });
    dropped.with_callback({name, "no-egress"}, [c] { return read_relaxed(c->filtered_no_egress); });
    dropped.with_callback({name, "link-local"}, [c] { return read_relaxed(c->filtered_link_local); });
    dropped.with_callback({name, "tx-ring-full"}, [p] { return read_relaxed(p->io.tx_ring_full); });
    dropped.with_callback({name, "queue-full"}, [p] {
      std::uint64_t sum = 0;
      for (int tc = 0; tc < kTrafficClasses; ++tc)
        sum += read_relaxed(p->queues[static_cast<std::size_t>(tc)].counters().dropped_queue_full);
      return sum;
    });
    dropped.with_callback({name, "gate-window-too-small"}, [p] {
      std::uint64_t sum = 0;
      for (int tc = 0; tc < kTrafficClasses; ++tc)
        sum += read_relaxed(p->queues[static_cast<std::size_t>(tc)].counters().dropped_window_too_small);
      return sum;
    });
    for (int tc = 0; tc < kTrafficClasses; ++tc) {
      const QueueCounters* q = &p->queues[static_cast<std::size_t>(tc)].counters();
      q_enqueued.with_callback({name, std::to_string(tc)}, [q] { return read_relaxed(q->enqueued_frames); });
      q_sent.with_callback({name, std::to_string(tc)}, [q] { return read_relaxed(q->transmitted_frames); });
    }
  }

  auto& s_frames = registry.counter("takt_dataplane_stream_frames_total", "Frames identified per stream", {"stream"});
  auto& s_bytes = registry.counter("takt_dataplane_stream_bytes_total", "Bytes identified per stream", {"stream"});
  auto& s_dropped = registry.counter("takt_dataplane_stream_dropped_frames_total",
                                     "Frames of a stream dropped in this bridge", {"stream"});
  for (std::size_t i = 0; i < config.streams.size(); ++i) {
    const StreamCounters* s = &f.streams()[i];
    s_frames.with_callback({config.streams[i].name}, [s] { return read_relaxed(s->frames); });
    s_bytes.with_callback({config.streams[i].name}, [s] { return read_relaxed(s->bytes); });
    s_dropped.with_callback({config.streams[i].name}, [s] { return read_relaxed(s->dropped); });
  }
}

ControlGauges declare_control_metrics(telemetry::MetricsRegistry& registry) {
  auto& residual = registry.gauge("takt_dataplane_clock_mapping_residual_seconds",
                                  "Residual of the TSC to PTP time fit over its sample window", {"statistic"});
  auto& slope = registry.gauge("takt_dataplane_tsc_frequency_hertz", "TSC frequency fitted against PTP time");
  auto& generation = registry.gauge("takt_dataplane_schedule_generation", "Gate schedules installed since start");
  return {residual.with({"max"}), residual.with({"rms"}), slope.with({}), generation.with({})};
}

}  // namespace takt::dpdk
