// takt-probe: an end station's talker and listener for measuring a takt network.
//   takt-probe talk   --interface IF --offsets talker-offsets.json [--streams a,b] [--duration 30s]
//   takt-probe listen --interface IF --streams streams.json [--metrics-port 9200] [--duration 30s]
// See dataplane/probe/README.md.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "telemetry/metrics_registry.hpp"
#include "telemetry/metrics_http_server.hpp"
#include "dataplane/probe/duration_text.hpp"
#include "dataplane/probe/host_clock.hpp"
#include "dataplane/probe/listener.hpp"
#include "dataplane/probe/probe_summary.hpp"
#include "dataplane/probe/stream_file.hpp"
#include "dataplane/probe/talker.hpp"

namespace {

using namespace takt;
using namespace takt::probe;

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

// No SA_RESTART: a signal interrupts clock_nanosleep and poll, so Ctrl-C stops at once.
void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

struct Common {
  std::string interface;
  std::string duration_text;
  std::optional<std::uint16_t> metrics_port;
  std::string metrics_address = "0.0.0.0";
  int utc_offset = 37;
  std::string json_summary;
  std::optional<int> rt_priority;
  std::string log_level = "info";
};

void add_common(CLI::App& cmd, Common& c, const std::string& default_duration) {
  cmd.add_option("-i,--interface", c.interface, "Network interface to use (AF_PACKET, needs CAP_NET_RAW)")->required();
  c.duration_text = default_duration;
  cmd.add_option("--duration", c.duration_text, "How long to run, e.g. 30s, 1m; 0s = until Ctrl-C")
      ->capture_default_str();
  cmd.add_option("--metrics-port", c.metrics_port, "Serve Prometheus metrics on http://ADDRESS:PORT/metrics");
  cmd.add_option("--metrics-address", c.metrics_address, "Address the metrics server binds")->capture_default_str();
  cmd.add_option("--utc-offset", c.utc_offset,
                 "TAI - UTC in seconds when the kernel has no TAI offset (as ptp4l's currentUtcOffset)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  cmd.add_option("--json-summary", c.json_summary, "Write the summary as JSON to this file on exit");
  cmd.add_option("--rt-priority", c.rt_priority, "Run at SCHED_FIFO with this priority (1-99)")
      ->check(CLI::Range(1, 99));
  cmd.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")->capture_default_str();
}

Nanos duration_of(const std::string& text, const std::string& option) {
  if (text == "0") return Nanos{0};
  auto d = probe::parse_duration(text);  // not takt::parse_duration: the probe rejects bare numbers
  if (!d) throw CLI::ValidationError(option, "'" + text + "' is not a duration like 30s, 500ms or 250us");
  return *d;
}

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    const std::size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!name.empty()) out.push_back(std::move(name));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Null without --metrics-port. Serves for as long as the caller keeps it: until the role has
// printed its summary.
std::unique_ptr<telemetry::MetricsHttpServer> serve_metrics(const Common& c,
                                                            const telemetry::MetricsRegistry& registry) {
  if (!c.metrics_port) return nullptr;
  auto server = std::make_unique<telemetry::MetricsHttpServer>(
      registry, telemetry::MetricsHttpOptions{c.metrics_address, *c.metrics_port, "takt-probe"});
  spdlog::info("serving Prometheus metrics on {}", server->url());
  return server;
}

void write_json(const std::string& path, const nlohmann::ordered_json& j) {
  if (path.empty()) return;
  std::ofstream out(path);
  out << j.dump(2) << '\n';
  if (!out) throw std::runtime_error(path + ": cannot write the JSON summary");
}

void prepare(const Common& c) {
  // Logs on stderr, so stdout carries only the summary table.
  spdlog::set_default_logger(spdlog::stderr_color_mt("takt-probe"));
  spdlog::set_level(spdlog::level::from_str(c.log_level));
  install_signal_handlers();
  if (c.rt_priority) use_realtime_scheduling(*c.rt_priority);
}

void log_timescale(const ptp::TaiTimescale& ts, int utc_offset) {
  if (ts.kernel_offset_set())
    spdlog::info("TAI = CLOCK_TAI (kernel TAI offset {} s)", ts.kernel_tai_offset().count());
  else
    spdlog::info("kernel TAI offset is 0 (clock not synchronised by ptp4l/phc2sys): TAI = CLOCK_REALTIME + {} s",
                 utc_offset);
}

int talk(const Common& c, const std::string& offsets, const std::string& names, const std::string& lead,
         const std::string& stall_threshold) {
  prepare(c);
  auto streams = select_streams(load_stream_file(offsets), split_names(names));
  if (streams.empty()) throw std::runtime_error(offsets + ": no streams to send");
  const ptp::TaiTimescale ts = ptp::host_timescale(std::chrono::seconds{c.utc_offset});
  log_timescale(ts, c.utc_offset);

  telemetry::MetricsRegistry registry;
  TalkerOptions options{c.interface, duration_of(c.duration_text, "--duration"), duration_of(lead, "--start-lead"),
                        duration_of(stall_threshold, "--stall-threshold")};
  if (options.duration.count() == 0) options.duration = Nanos::max() / 2;
  Talker talker(streams, options, ts, registry);
  auto server = serve_metrics(c, registry);
  for (const auto& s : streams) {
    spdlog::info("stream {}: every {} at offset {}, {} frame(s) of {} B to {} vlan {} pcp {}", s.name,
                 format_duration(s.interval), format_duration(s.offset.value_or(Nanos{0})), s.frames_per_interval,
                 s.payload_bytes, s.destination ? s.destination->to_string() : "-", s.vlan, s.pcp);
  }
  const TaiTime first = talker.run(g_stop);
  const auto report = talker.report();
  std::cout << talker_table(report) << std::flush;
  auto summary = talker_summary_json(report, talker.session(), options.stall_threshold);
  // The span the stalls were looked for in: what a stall's share of the time is measured against.
  summary["first-transmission-ns"] = ns_of(first);
  summary["until-ns"] = ns_of(now_tai(ts));
  write_json(c.json_summary, summary);
  return 0;
}

int listen(const Common& c, const std::string& file, const std::string& names, const std::string& max_latency,
           const std::string& loss_timeout, bool require_on_time) {
  prepare(c);
  auto streams = select_streams(load_stream_file(file), split_names(names));
  if (streams.empty()) throw std::runtime_error(file + ": no streams to measure");
  if (!max_latency.empty()) {
    const Nanos fallback = duration_of(max_latency, "--max-latency");
    for (auto& s : streams)
      if (!s.max_latency) s.max_latency = fallback;
  }
  for (const auto& s : streams)
    if (!s.max_latency)
      spdlog::warn("stream {} has no max-latency in {} and --max-latency is not given: no deadline to judge", s.name,
                   file);
  const ptp::TaiTimescale ts = ptp::host_timescale(std::chrono::seconds{c.utc_offset});
  log_timescale(ts, c.utc_offset);

  telemetry::MetricsRegistry registry;
  Listener listener(
      streams, {c.interface, duration_of(c.duration_text, "--duration"), duration_of(loss_timeout, "--loss-timeout")},
      ts, registry);
  auto server = serve_metrics(c, registry);
  spdlog::info("listening on {} for {} stream(s)", c.interface, streams.size());
  listener.run(g_stop);
  const auto report = listener.report();
  std::cout << listener_table(report) << std::flush;
  if (listener.socket_drops() != 0)
    std::cout << fmt::format("{} frames dropped by the listener's own socket (not the network)\n",
                             listener.socket_drops());
  write_json(c.json_summary, listener_summary_json(report, listener.socket_drops()));
  return require_on_time && !all_on_time(report) ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"takt-probe: send TSN streams on schedule and measure their end-to-end latency"};
  app.require_subcommand(1);

  Common talk_opts;
  std::string offsets, talk_names, lead = "100ms", stall_threshold = "200us";
  auto* talk_cmd = app.add_subcommand("talk", "Send streams at their planned offsets (k * interval + offset, TAI)");
  add_common(*talk_cmd, talk_opts, "30s");
  talk_cmd->add_option("--offsets", offsets, "Talker-offset file from `taktctl plan` (or a plan.json)")
      ->required()
      ->check(CLI::ExistingFile);
  talk_cmd->add_option("--streams", talk_names, "Comma-separated streams to send (default: all in the file)");
  talk_cmd->add_option("--start-lead", lead, "Start at least this far in the future")->capture_default_str();
  talk_cmd
      ->add_option("--stall-threshold", stall_threshold,
                   "A send later than planned by more than this is a host stall, listed in the JSON summary (0: none)")
      ->capture_default_str();

  Common listen_opts;
  std::string stream_file, listen_names, max_latency, loss_timeout = "500ms";
  bool require_on_time = false;
  auto* listen_cmd = app.add_subcommand("listen", "Measure latency, loss, duplicates and reordering per stream");
  add_common(*listen_cmd, listen_opts, "0s");
  auto* streams_opt = listen_cmd
                          ->add_option("--streams", stream_file,
                                       "Streams to expect: a plan.json, a talker-offset file, or {\"streams\": [...]}")
                          ->check(CLI::ExistingFile);
  auto* offsets_opt = listen_cmd->add_option("--offsets", stream_file, "Same as --streams, for a talker-offset file")
                          ->check(CLI::ExistingFile);
  streams_opt->excludes(offsets_opt);
  listen_cmd->add_option("--select", listen_names, "Comma-separated streams to measure (default: all in the file)");
  listen_cmd->add_option("--max-latency", max_latency, "Deadline for streams the file gives none, e.g. 2ms");
  listen_cmd->add_option("--loss-timeout", loss_timeout, "Silence after which a stream's gaps are losses")
      ->capture_default_str();
  listen_cmd->add_flag("--require-on-time", require_on_time,
                       "Exit 3 unless every stream received frames without loss or deadline miss");

  // Usage errors exit 2 like every takt tool (CLI11's own codes, e.g. 105, are not passed on).
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (talk_cmd->parsed()) return talk(talk_opts, offsets, talk_names, lead, stall_threshold);
    if (stream_file.empty()) throw CLI::RequiredError("--streams or --offsets");
    return listen(listen_opts, stream_file, listen_names, max_latency, loss_timeout, require_on_time);
  } catch (const CLI::Error& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
