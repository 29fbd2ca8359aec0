#include "dataplane/bpf/station_metrics.hpp"

#include <algorithm>
#include <functional>
#include <optional>

#include "telemetry/histogram.hpp"

namespace takt::station {

// What the scrape callbacks share with follow(): each stream's index and the counters read at
// the last scrape (a scrape reads each stream's map entry once, not once per series).
struct StationMetrics::Shared {
  explicit Shared(const BpfStation& b) : bpf(b) {}
  const BpfStation& bpf;
  std::mutex mutex;
  std::map<std::string, std::uint32_t> talk_index;
  std::map<std::string, std::uint32_t> listen_index;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, takt_talk_stats>> talk_cache;
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, takt_listen_stats>> listen_cache;

  static constexpr auto fresh = std::chrono::milliseconds(200);

  // The stream's counters; the last values read when the current plan no longer has it.
  takt_talk_stats talk(const std::string& name) {
    std::lock_guard lock(mutex);
    auto& [when, stats] = talk_cache[name];
    const auto now = std::chrono::steady_clock::now();
    if (auto it = talk_index.find(name); it != talk_index.end() && now - when > fresh) {
      stats = bpf.talk_stats(it->second);
      when = now;
    }
    return stats;
  }
  takt_listen_stats listen(const std::string& name) {
    std::lock_guard lock(mutex);
    auto& [when, stats] = listen_cache[name];
    const auto now = std::chrono::steady_clock::now();
    if (auto it = listen_index.find(name); it != listen_index.end() && now - when > fresh) {
      stats = bpf.listen_stats(it->second);
      when = now;
    }
    return stats;
  }
};

namespace {

telemetry::HistogramSnapshot snapshot_of(const __u64 (&slots)[TAKT_STATION_BUCKETS], std::uint64_t sum_ns,
                                         const telemetry::LatencyBuckets& buckets) {
  telemetry::HistogramSnapshot s;
  for (std::size_t i = 0; i < buckets.bucket_count(); ++i) {
    s.counts[i] = slots[i];
    s.count += slots[i];
  }
  s.sum_ns = sum_ns;
  return s;
}

}  // namespace

StationMetrics::StationMetrics(telemetry::MetricsRegistry& registry, const BpfStation& bpf)
    : registry_(registry), shared_(std::make_shared<Shared>(bpf)) {}

void StationMetrics::follow(const StationConfig& config, const IndexTable& talk_indexes,
                            const IndexTable& listen_indexes) {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->talk_index = talk_indexes;
    shared_->listen_index = listen_indexes;
    shared_->talk_cache.clear();
    shared_->listen_cache.clear();
  }
  auto& r = registry_;
  auto shared = shared_;
  using Field = std::function<std::uint64_t(const takt_talk_stats&)>;
  using ListenField = std::function<std::uint64_t(const takt_listen_stats&)>;
  auto talk_counter = [&](const char* name, const char* help, const std::string& stream, Field f) {
    r.counter(name, help, {"stream"}).with_callback({stream}, [shared, stream, f] { return f(shared->talk(stream)); });
  };
  auto listen_counter = [&](const char* name, const char* help, const std::string& stream, ListenField f) {
    r.counter(name, help, {"stream"}).with_callback({stream}, [shared, stream, f] {
      return f(shared->listen(stream));
    });
  };

  for (const auto& t : config.talks) {
    if (!declared_talks_.insert(t.name).second) continue;
    const std::string s = t.name;
    talk_counter("takt_station_frames_sent_total",
                 "Frames of the stream the station's application sent and the station let through", s,
                 [](const auto& x) { return x.frames; });
    talk_counter("takt_station_bytes_sent_total", "Bytes of those frames, VLAN tag included, FCS excluded", s,
                 [](const auto& x) { return x.bytes; });
    talk_counter("takt_station_policed_frames_total",
                 "Frames the station dropped at the source: beyond the stream's TSpec (token bucket)", s,
                 [](const auto& x) { return x.policed_frames; });
    talk_counter("takt_station_policed_bytes_total", "Bytes of the frames dropped at the source", s,
                 [](const auto& x) { return x.policed_bytes; });
    if (t.offset) {
      auto& departures =
          r.counter("takt_station_departures_total",
                    "Frames of a scheduled stream by when they left: within [offset, offset + window) of "
                    "their interval, or outside",
                    {"stream", "window"});
      departures.with_callback({s, "in"}, [shared, s] { return shared->talk(s).in_window; });
      departures.with_callback({s, "outside"}, [shared, s] { return shared->talk(s).outside_window; });
      const auto buckets = station_buckets(t.window);
      r.histogram("takt_station_departure_phase_seconds",
                  "When a scheduled stream's frames left, after its planned transmission offset (modulo the interval)",
                  {"stream"})
          .with_callback({s}, buckets, [shared, s, buckets] {
            const auto x = shared->talk(s);
            return snapshot_of(x.phase, x.phase_sum_ns, buckets);
          });
    }
  }
  for (const auto& l : config.listens) {
    if (!declared_listens_.insert(l.name).second) continue;
    const std::string s = l.name;
    listen_counter("takt_station_frames_received_total", "Frames of the stream the station received", s,
                   [](const auto& x) { return x.frames; });
    listen_counter("takt_station_bytes_received_total", "Bytes of those frames, VLAN tag included, FCS excluded", s,
                   [](const auto& x) { return x.bytes; });
    listen_counter("takt_station_sequence_gaps_total",
                   "Sequence numbers (takt-probe header or R-TAG) skipped when a higher one arrived", s,
                   [](const auto& x) { return x.sequence_gaps; });
    listen_counter("takt_station_out_of_order_total",
                   "Frames whose sequence number was at or below the highest seen (reordered or duplicated)", s,
                   [](const auto& x) { return x.out_of_order; });
    listen_counter("takt_station_deadline_misses_total",
                   "Frames carrying takt-probe's transmit time that arrived later than the stream's max-latency", s,
                   [](const auto& x) { return x.deadline_misses; });
    const auto latency_buckets = station_buckets(l.max_latency);
    r.histogram("takt_station_latency_seconds",
                "End-to-end latency of frames carrying takt-probe's transmit time (TAI), measured at tc ingress",
                {"stream"})
        .with_callback({s}, latency_buckets, [shared, s, latency_buckets] {
          const auto x = shared->listen(s);
          return snapshot_of(x.latency, x.latency_sum_ns, latency_buckets);
        });
    if (l.arrival_offset) {
      auto& arrivals =
          r.counter("takt_station_arrivals_total",
                    "Frames of a scheduled stream by when they arrived against the planned arrival window: "
                    "early, in, late (the nearer edge decides)",
                    {"stream", "window"});
      arrivals.with_callback({s, "early"}, [shared, s] { return shared->listen(s).early; });
      arrivals.with_callback({s, "in"}, [shared, s] { return shared->listen(s).in_window; });
      arrivals.with_callback({s, "late"}, [shared, s] { return shared->listen(s).late; });
      const auto buckets = station_buckets(l.arrival_window);
      r.histogram("takt_station_arrival_phase_seconds",
                  "When a scheduled stream's frames arrived, after the start of its planned arrival window (modulo "
                  "the interval)",
                  {"stream"})
          .with_callback({s}, buckets, [shared, s, buckets] {
            const auto x = shared->listen(s);
            return snapshot_of(x.phase, x.phase_sum_ns, buckets);
          });
    }
  }
}

}  // namespace takt::station
