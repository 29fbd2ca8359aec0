#include "dataplane/dpdk/counters_report.hpp"

#include <fmt/core.h>

#include "dataplane/dpdk/dataplane_metrics.hpp"

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
                                   {"rx_policed", c.rx_policed},
                                   {"rx_eliminated", c.rx_eliminated},
                                   {"rx_r_tag_error", c.rx_r_tag_error},
                                   {"rx_oversize", c.rx_oversize},
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
            {"max_ns", l.max_ns}}},
          {"protection", protection_json(config, f.protection())}};
}

namespace {

std::string filter_stream_name(const bridge::BridgeConfig& config, std::size_t row) {
  return row < config.streams.size() ? config.streams[row].name : std::string(bridge::kWildcardStream);
}

std::optional<std::size_t> stream_handle(const bridge::BridgeConfig& config, const std::string& name) {
  for (std::size_t i = 0; i < config.streams.size(); ++i)
    if (config.streams[i].name == name) return i;
  return std::nullopt;
}

}  // namespace

nlohmann::json protection_json(const bridge::BridgeConfig& config, const ProtectionState& protection) {
  nlohmann::json filters = nlohmann::json::object();
  for (const FilterRow& r : configured_filter_rows(config)) {
    const StreamFilterCounters& c = protection.filter_counters(r.stream, r.port);
    filters[filter_stream_name(config, r.stream)][config.ports[r.port].name] = {{"matching", c.matching},
                                                                                {"passing_sdu", c.passing_sdu},
                                                                                {"passing", c.passing},
                                                                                {"discarded", c.discarded()},
                                                                                {"not_passing", c.not_passing},
                                                                                {"not_passing_sdu", c.not_passing_sdu},
                                                                                {"red", c.red},
                                                                                {"yellow_dropped", c.yellow_dropped},
                                                                                {"blocked", c.blocked}};
  }
  nlohmann::json frer = nlohmann::json::object();
  for (const auto& name : config.protection.sequence_generation)
    if (const auto h = stream_handle(config, name)) frer[name]["generated"] = protection.frer_counters(*h).generated;
  for (const auto& entry : config.protection.sequence_recovery) {
    const auto h = stream_handle(config, entry.stream);
    if (!h) continue;
    const FrerStreamCounters& c = protection.frer_counters(*h);
    const SequenceRecoveryCounters& r = c.recovery;
    frer[entry.stream]["recovery"] = {{"passed", r.passed},
                                      {"discarded", r.discarded},
                                      {"out_of_order", r.out_of_order},
                                      {"rogue", r.rogue},
                                      {"lost", r.lost},
                                      {"tagless", r.tagless},
                                      {"resets", r.resets},
                                      {"latent_errors", r.latent_errors},
                                      {"latent_error_resets", r.latent_error_resets},
                                      {"individual_discarded", c.individual_discarded},
                                      {"latent_error", protection.latent_error(*h)}};
  }
  return {{"stream_filters", filters}, {"frer", frer}};
}

void print_protection(std::FILE* out, const bridge::BridgeConfig& config, const ProtectionState& protection) {
  for (const FilterRow& r : configured_filter_rows(config)) {
    const StreamFilterCounters& c = protection.filter_counters(r.stream, r.port);
    fmt::print(out,
               "psfp {} on {}: {} matching, {} passing, {} discarded (gate closed {}, max SDU {}, red {}, yellow {}, "
               "blocked {})\n",
               filter_stream_name(config, r.stream), config.ports[r.port].name, c.matching, c.passing, c.discarded(),
               c.not_passing, c.not_passing_sdu, c.red, c.yellow_dropped, c.blocked);
  }
  for (const auto& name : config.protection.sequence_generation)
    if (const auto h = stream_handle(config, name))
      fmt::print(out, "frer {}: {} frames numbered and tagged\n", name, protection.frer_counters(*h).generated);
  for (const auto& entry : config.protection.sequence_recovery) {
    const auto h = stream_handle(config, entry.stream);
    if (!h) continue;
    const FrerStreamCounters& c = protection.frer_counters(*h);
    const SequenceRecoveryCounters& r = c.recovery;
    fmt::print(out,
               "frer {}: recovery passed {}, eliminated {}, out-of-order {}, rogue {}, lost {}, tagless {}, resets {}, "
               "latent errors {}{}",
               entry.stream, r.passed, r.discarded, r.out_of_order, r.rogue, r.lost, r.tagless, r.resets,
               r.latent_errors, protection.latent_error(*h) ? " (latent error now)" : "");
    if (entry.individual_recovery) fmt::print(out, ", individual recovery discarded {}", c.individual_discarded);
    fmt::print(out, "\n");
  }
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
    if (c.rx_policed + c.rx_eliminated + c.rx_r_tag_error + c.rx_oversize != 0)
      fmt::print(out, "  ingress: policed {} frer-eliminated {} r-tag-error {} oversize {}\n", c.rx_policed,
                 c.rx_eliminated, c.rx_r_tag_error, c.rx_oversize);
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
  print_protection(out, config, f.protection());
  if (f.lateness().enabled()) {
    const auto l = f.lateness().summarize();
    fmt::print(out, "gate launch lateness: {} samples, median {} ns, p99 {} ns, min {} ns, max {} ns\n", l.count,
               l.median_ns, l.p99_ns, l.min_ns, l.max_ns);
  }
  std::fflush(out);
}

}  // namespace takt::dpdk
