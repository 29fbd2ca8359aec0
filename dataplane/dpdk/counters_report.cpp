#include "dataplane/dpdk/counters_report.hpp"

#include <fmt/core.h>

namespace takt::dpdk {

nlohmann::json counters_json(const bridge::BridgeConfig& config, const Forwarder& f) {
  nlohmann::json ports = nlohmann::json::object();
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    const ForwarderPort& p = f.ports()[i];
    const PortCounters& c = p.counters;
    nlohmann::json queues = nlohmann::json::object();
    for (int tc = 0; tc < kTrafficClasses; ++tc) {
      const QueueCounters& q = p.queues[static_cast<std::size_t>(tc)].counters();
      queues[std::to_string(tc)] = {{"enqueued_frames", q.enqueued_frames},
                                    {"transmitted_frames", q.transmitted_frames},
                                    {"dropped_queue_full", q.dropped_queue_full},
                                    {"dropped_window_too_small", q.dropped_window_too_small},
                                    {"max_depth", q.max_depth}};
    }
    ports[config.ports[i].name] = {{"rx_frames", c.rx_frames},
                                   {"rx_bytes", c.rx_bytes},
                                   {"rx_malformed", c.rx_malformed},
                                   {"tx_frames", c.tx_frames},
                                   {"tx_bytes", c.tx_bytes},
                                   {"forwarded_static", c.forwarded_static},
                                   {"forwarded_learned", c.forwarded_learned},
                                   {"flooded", c.flooded},
                                   {"filtered_no_egress", c.filtered_no_egress},
                                   {"filtered_link_local", c.filtered_link_local},
                                   {"learned_stations", c.learned_stations},
                                   {"station_moves", c.station_moves},
                                   {"tx_ring_full", p.io.tx_ring_full},
                                   {"launch_time_missing", p.io.launch_time_missing},
                                   {"queues", queues}};
  }
  nlohmann::json streams = nlohmann::json::object();
  for (std::size_t i = 0; i < config.streams.size(); ++i) {
    const StreamCounters& s = f.streams()[i];
    streams[config.streams[i].name] = {{"frames", s.frames}, {"bytes", s.bytes}, {"dropped", s.dropped}};
  }
  const auto l = f.lateness().summarize();
  return {{"elapsed_seconds", f.elapsed_seconds()},
          {"iterations", f.iterations()},
          {"idle_rests", f.idle().rests()},
          {"idle_rested_seconds", static_cast<double>(f.idle().rested().count()) * 1e-9},
          {"ports", ports},
          {"streams", streams},
          {"lateness",
           {{"count", l.count},
            {"overflow", f.lateness().overflow()},
            {"min_ns", l.min_ns},
            {"median_ns", l.median_ns},
            {"p99_ns", l.p99_ns},
            {"max_ns", l.max_ns}}}};
}

void print_counters(std::FILE* out, const bridge::BridgeConfig& config, const Forwarder& f) {
  fmt::print(out, "takt-dataplane: bridge {} ran {:.3f} s ({} loop iterations)\n", config.bridge, f.elapsed_seconds(),
             f.iterations());
  if (f.idle().enabled())
    fmt::print(out, "  idle: {} rests of up to {} us, {:.3f} s asked for\n", f.idle().rests(),
               f.idle().longest().count() / 1000, static_cast<double>(f.idle().rested().count()) * 1e-9);
  fmt::print(out, "{:<8} {:>12} {:>12} {:>10} {:>10} {:>10} {:>9} {:>9} {:>10} {:>9}\n", "port", "rx", "tx", "static",
             "learned", "flooded", "malformed", "no-egress", "link-local", "ring-full");
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    const ForwarderPort& p = f.ports()[i];
    const PortCounters& c = p.counters;
    fmt::print(out, "{:<8} {:>12} {:>12} {:>10} {:>10} {:>10} {:>9} {:>9} {:>10} {:>9}\n", config.ports[i].name,
               c.rx_frames, c.tx_frames, c.forwarded_static, c.forwarded_learned, c.flooded, c.rx_malformed,
               c.filtered_no_egress, c.filtered_link_local, p.io.tx_ring_full);
    for (int tc = kTrafficClasses - 1; tc >= 0; --tc) {
      const QueueCounters& q = p.queues[static_cast<std::size_t>(tc)].counters();
      if (q.enqueued_frames == 0) continue;
      fmt::print(out, "  tc{}: enqueued {} transmitted {} queue-full {} window-too-small {} max-depth {}\n", tc,
                 q.enqueued_frames, q.transmitted_frames, q.dropped_queue_full, q.dropped_window_too_small,
                 q.max_depth);
    }
  }
  for (std::size_t i = 0; i < config.streams.size(); ++i) {
    const StreamCounters& s = f.streams()[i];
    fmt::print(out, "stream {}: {} frames, {} bytes, {} dropped\n", config.streams[i].name, s.frames, s.bytes,
               s.dropped);
  }
  if (f.lateness().enabled()) {
    const auto l = f.lateness().summarize();
    fmt::print(out, "gate launch lateness: {} samples, median {} ns, p99 {} ns, min {} ns, max {} ns\n", l.count,
               l.median_ns, l.p99_ns, l.min_ns, l.max_ns);
  }
  std::fflush(out);
}

}  // namespace takt::dpdk
