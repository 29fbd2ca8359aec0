#include "dataplane/dpdk/dataplane_metrics.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
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
    dropped.with_callback({name, "oversize"}, [c] { return read_relaxed(c->rx_oversize); });
    dropped.with_callback({name, "no-egress"}, [c] { return read_relaxed(c->filtered_no_egress); });
    dropped.with_callback({name, "link-local"}, [c] { return read_relaxed(c->filtered_link_local); });
    dropped.with_callback({name, "policed"}, [c] { return read_relaxed(c->rx_policed); });
    dropped.with_callback({name, "frer-eliminated"}, [c] { return read_relaxed(c->rx_eliminated); });
    dropped.with_callback({name, "r-tag-error"}, [c] { return read_relaxed(c->rx_r_tag_error); });
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
  expose_protection_counters(registry, config, f.protection());
}

std::vector<FilterRow> configured_filter_rows(const bridge::BridgeConfig& config) {
  std::vector<FilterRow> rows;
  for (const auto& filter : config.protection.stream_filters) {
    const auto port = config.port_index(filter.port);
    if (!port) continue;  // validate_protection refused it already
    std::size_t stream = config.streams.size();
    if (filter.stream != bridge::kWildcardStream) {
      const auto it = std::find_if(config.streams.begin(), config.streams.end(),
                                   [&filter](const bridge::StreamEntry& s) { return s.name == filter.stream; });
      if (it == config.streams.end()) continue;
      stream = static_cast<std::size_t>(it - config.streams.begin());
    }
    if (std::none_of(rows.begin(), rows.end(),
                     [&](const FilterRow& r) { return r.stream == stream && r.port == *port; }))
      rows.push_back({stream, *port});
  }
  return rows;
}

void expose_protection_counters(telemetry::MetricsRegistry& registry, const bridge::BridgeConfig& config,
                                const ProtectionState& protection) {
  const auto rows = configured_filter_rows(config);
  if (!rows.empty()) {
    const std::vector<std::string> labels{"stream", "port"};
    auto& matching = registry.counter(
        "takt_psfp_matching_frames_total",
        "Frames that met an 802.1Qci stream filter at ingress (MatchingFramesCount); stream \"*\" is the wildcard "
        "filters: frames no filter of their own stream matched, unidentified frames included",
        labels);
    auto& passing_sdu = registry.counter("takt_psfp_passing_sdu_frames_total",
                                         "Stream filter frames within the maximum SDU size (PassingSDUCount)", labels);
    auto& passing = registry.counter(
        "takt_psfp_passing_frames_total",
        "Stream filter frames that passed the stream gate (PassingFramesCount); the flow meter may still discard them",
        labels);
    auto& discarded = registry.counter(
        "takt_psfp_discarded_frames_total",
        "Frames an 802.1Qci stream filter discarded at ingress, by reason: stream-gate-closed (NotPassingFramesCount), "
        "max-sdu-exceeded (NotPassingSDUCount), flow-meter-red (REDFramesCount), flow-meter-yellow (DropOnYellow), "
        "stream-blocked (an earlier oversize frame or invalid reception blocked the filter)",
        {"stream", "port", "reason"});
    for (const FilterRow& r : rows) {
      const std::string stream =
          r.stream < config.streams.size() ? config.streams[r.stream].name : std::string(bridge::kWildcardStream);
      const std::string& port = config.ports[r.port].name;
      const StreamFilterCounters* c = &protection.filter_counters(r.stream, r.port);
      matching.with_callback({stream, port}, [c] { return read_relaxed(c->matching); });
      passing_sdu.with_callback({stream, port}, [c] { return read_relaxed(c->passing_sdu); });
      passing.with_callback({stream, port}, [c] { return read_relaxed(c->passing); });
      discarded.with_callback({stream, port, "stream-gate-closed"}, [c] { return read_relaxed(c->not_passing); });
      discarded.with_callback({stream, port, "max-sdu-exceeded"}, [c] { return read_relaxed(c->not_passing_sdu); });
      discarded.with_callback({stream, port, "flow-meter-red"}, [c] { return read_relaxed(c->red); });
      discarded.with_callback({stream, port, "flow-meter-yellow"}, [c] { return read_relaxed(c->yellow_dropped); });
      discarded.with_callback({stream, port, "stream-blocked"}, [c] { return read_relaxed(c->blocked); });
    }
  }

  const auto handle = [&config](const std::string& name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < config.streams.size(); ++i)
      if (config.streams[i].name == name) return i;
    return std::nullopt;
  };
  const auto& prot = config.protection;
  if (!prot.sequence_generation.empty()) {
    auto& generated = registry.counter(
        "takt_frer_generated_frames_total",
        "Frames of a redundant stream this bridge numbered and gave an 802.1CB R-TAG (sequence generation)",
        {"stream"});
    for (const auto& name : prot.sequence_generation) {
      const auto h = handle(name);
      if (!h) continue;
      const FrerStreamCounters* c = &protection.frer_counters(*h);
      generated.with_callback({name}, [c] { return read_relaxed(c->generated); });
    }
  }
  if (prot.sequence_recovery.empty()) return;
  auto& frames = registry.counter(
      "takt_frer_recovery_frames_total",
      "802.1CB sequence recovery per stream (frerCpsSeqRcvy*Packets): passed (first copies forwarded), discarded "
      "(duplicates eliminated), out-of-order (passed, not the next number), rogue (outside the history window, "
      "discarded), lost (sequence numbers that never arrived), tagless (frames without an R-TAG)",
      {"stream", "result"});
  auto& individual = registry.counter(
      "takt_frer_individual_recovery_discarded_frames_total",
      "Frames a member stream's individual recovery discarded before the stream's recovery saw them", {"stream"});
  auto& resets =
      registry.counter("takt_frer_recovery_resets_total",
                       "Sequence recoveries reset because no frame passed within the reset timeout", {"stream"});
  auto& latent_errors = registry.counter(
      "takt_frer_latent_errors_total",
      "802.1CB latent errors signalled: the member streams delivered unequal shares, so a path is down", {"stream"});
  auto& latent_resets = registry.counter("takt_frer_latent_error_resets_total",
                                         "Latent error detection resets (frerCpsSeqRcvyLatentErrorResets)", {"stream"});
  auto& latent_now = registry.gauge(
      "takt_frer_latent_error", "1 while the stream's sequence recovery signals a latent error, else 0", {"stream"});
  for (const auto& entry : prot.sequence_recovery) {
    const auto h = handle(entry.stream);
    if (!h) continue;
    const std::string& name = entry.stream;
    const FrerStreamCounters* c = &protection.frer_counters(*h);
    const SequenceRecoveryCounters* r = &c->recovery;
    frames.with_callback({name, "passed"}, [r] { return read_relaxed(r->passed); });
    frames.with_callback({name, "discarded"}, [r] { return read_relaxed(r->discarded); });
    frames.with_callback({name, "out-of-order"}, [r] { return read_relaxed(r->out_of_order); });
    frames.with_callback({name, "rogue"}, [r] { return read_relaxed(r->rogue); });
    frames.with_callback({name, "lost"}, [r] { return read_relaxed(r->lost); });
    frames.with_callback({name, "tagless"}, [r] { return read_relaxed(r->tagless); });
    if (entry.individual_recovery)
      individual.with_callback({name}, [c] { return read_relaxed(c->individual_discarded); });
    resets.with_callback({name}, [r] { return read_relaxed(r->resets); });
    latent_errors.with_callback({name}, [r] { return read_relaxed(r->latent_errors); });
    latent_resets.with_callback({name}, [r] { return read_relaxed(r->latent_error_resets); });
    const ProtectionState* p = &protection;
    const std::size_t stream = *h;
    latent_now.with_callback({name}, [p, stream] { return p->latent_error(stream) ? 1.0 : 0.0; });
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
