// takt-station: puts an end station's unmodified applications into the streams the plan
// reserved for them and measures what the station receives, with two tc programs (eBPF).
//
//   takt-station --plan PLANDIR --node NAME --interface IF [--metrics-port N] [--duration 30s]
//   takt-station --detach IF
//
// Reads PLANDIR/stations/NAME.json (takt-station/1, written by `taktctl plan`). SIGHUP reads it
// again and swaps the maps in place (no detach, counters of remaining streams kept); a file
// that does not load leaves the running plan as it is. SIGINT/SIGTERM remove the programs.
// Exit status: 0 done, 1 bad arguments or plan, 3 this host cannot run BPF (the message says
// what is missing), 4 attaching or loading failed.
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/duration_text.hpp"
#include "common/unique_fd.hpp"
#include "dataplane/bpf/bpf_preflight.hpp"
#include "dataplane/bpf/bpf_station.hpp"
#include "dataplane/bpf/station_metrics.hpp"
#include "dataplane/bpf/station_tables.hpp"
#include "dataplane/bpf/tc_attachment.hpp"
#include "ptp/host_tai_clock.hpp"
#include "telemetry/metrics_http_server.hpp"
#include "telemetry/metrics_registry.hpp"

namespace {

using namespace takt;
using namespace takt::station;

constexpr int kExitBadInput = 1;
constexpr int kExitNoBpf = 3;
constexpr int kExitAttach = 4;

struct Options {
  std::string plan;
  std::string node;
  std::string interface;
  std::string detach;
  std::optional<std::uint16_t> metrics_port;
  std::string metrics_address = "0.0.0.0";
  std::string duration;
  int utc_offset = 37;
  std::string log_level = "info";
};

// A plant name picks a file name: it must stay one plain path component.
void check_node_name(const std::string& node) {
  static const std::regex plain("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  if (!std::regex_match(node, plain)) {
    throw std::invalid_argument(
        fmt::format("--node '{}': not an end-station name (letters, digits, '.', '_', '-'; "
                    "at most 64, starting with a letter or digit)",
                    node.substr(0, 80)));
  }
}

MacAddress interface_address(const std::string& name) {
  if (name.size() >= IFNAMSIZ) throw std::runtime_error(fmt::format("interface '{}': name too long", name));
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error(fmt::format("interface '{}': socket: {}", name, std::strerror(errno)));
  ifreq req{};
  std::memcpy(req.ifr_name, name.c_str(), name.size());
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &req) != 0) {
    throw std::runtime_error(fmt::format("interface '{}': reading its MAC address: {}", name, std::strerror(errno)));
  }
  MacAddress mac;
  std::memcpy(mac.octets.data(), req.ifr_hwaddr.sa_data, 6);
  return mac;
}

// One plan in the maps: the index tables stay across plans so streams keep their counters.
class Station {
 public:
  Station(BpfStation& bpf, StationMetrics& metrics, MacAddress own, Nanos tai_correction)
      : bpf_(bpf), metrics_(metrics), own_(own), tai_correction_(tai_correction) {}

  // Everything is computed before the first map write, so a plan that does not fit changes nothing.
  void load(const std::string& path) {
    const StationConfig config = load_station_config(path);
    IndexTable talk = assign_indexes(talk_indexes_, talk_names(config));
    IndexTable listen = assign_indexes(listen_indexes_, listen_names(config));
    const StationTables tables = station_tables(config, own_, talk, listen);
    bpf_.apply(tables, tai_correction_);
    talk_indexes_ = std::move(talk);
    listen_indexes_ = std::move(listen);
    metrics_.follow(config, talk_indexes_, listen_indexes_);
    spdlog::info(
        "plan {} for {}: talks {} stream(s), listens to {} ({} IP-identified)", path, config.station,
        config.talks.size(), config.listens.size(),
        std::count_if(config.talks.begin(), config.talks.end(), [](const auto& t) { return t.ip.has_value(); }));
  }

 private:
  BpfStation& bpf_;
  StationMetrics& metrics_;
  MacAddress own_;
  Nanos tai_correction_;
  IndexTable talk_indexes_;
  IndexTable listen_indexes_;
};

int detach_only(const std::string& interface) {
  const int ifindex = interface_index(interface);
  const auto removed = detach_all(ifindex);
  if (removed.empty()) std::cout << fmt::format("{}: no takt-station programs attached\n", interface);
  for (const auto& r : removed) std::cout << fmt::format("{}: removed {}\n", interface, r);
  return 0;
}

int run(const Options& o) {
  check_node_name(o.node);
  const std::string path = fmt::format("{}/stations/{}.json", o.plan, o.node);
  const int ifindex = interface_index(o.interface);
  const MacAddress own = interface_address(o.interface);
  const auto ts = ptp::host_timescale(std::chrono::seconds{o.utc_offset});

  // Signals are taken by sigtimedwait below; blocked before any thread starts so none of them
  // receives one.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  BpfStation bpf;
  telemetry::MetricsRegistry registry;
  StationMetrics metrics(registry, bpf);
  Station station(bpf, metrics, own, ts.clock_tai_correction());
  station.load(path);  // before attaching: the programs never run without a plan

  std::unique_ptr<telemetry::MetricsHttpServer> server;
  if (o.metrics_port) {
    server = std::make_unique<telemetry::MetricsHttpServer>(
        registry, telemetry::MetricsHttpOptions{o.metrics_address, *o.metrics_port, "takt-station"});
    spdlog::info("serving Prometheus metrics on {}", server->url());
  }
  try {
    attach(ifindex, TcDirection::egress, bpf.egress_program_fd());
    attach(ifindex, TcDirection::ingress, bpf.ingress_program_fd());
  } catch (const std::exception& e) {
    detach_all(ifindex);
    spdlog::error("{}: {}", o.interface, e.what());
    return kExitAttach;
  }
  spdlog::info("attached to {} (tc egress and ingress, priority {:#x}); SIGHUP reloads {}", o.interface, kTcPriority,
               path);

  std::optional<std::chrono::steady_clock::time_point> until;
  if (!o.duration.empty()) {
    auto d = parse_duration(o.duration, kRunDurationUnits);
    if (!d) throw std::invalid_argument(fmt::format("--duration: {}", d.error().message));
    until = std::chrono::steady_clock::now() + d.value();
  }
  for (;;) {
    timespec tick{0, 200'000'000};
    const int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGHUP) {
      try {
        station.load(path);
      } catch (const std::exception& e) {
        spdlog::error("reload of {} refused, the running plan stays: {}", path, e.what());
      }
      continue;
    }
    if (sig == SIGINT || sig == SIGTERM) break;
    if (until && std::chrono::steady_clock::now() >= *until) break;
  }
  for (const auto& r : detach_all(ifindex)) spdlog::info("{}: removed {}", o.interface, r);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"takt-station: tags, polices and measures an end station's planned streams with eBPF (tc)"};
  Options o;
  app.add_option("--plan", o.plan, "Plan folder written by taktctl plan (reads stations/NODE.json)");
  app.add_option("--node", o.node, "This end station's name in the plant");
  app.add_option("--interface", o.interface, "The interface the station's streams leave and arrive on");
  app.add_option("--detach", o.detach, "Remove takt-station's programs from this interface and exit");
  app.add_option("--metrics-port", o.metrics_port, "Serve Prometheus metrics on http://ADDRESS:PORT/metrics");
  app.add_option("--metrics-address", o.metrics_address, "Address the metrics server binds")->capture_default_str();
  app.add_option("--duration", o.duration, "Stop after this long (e.g. 30s); default: until SIGINT or SIGTERM");
  app.add_option("--utc-offset", o.utc_offset,
                 "TAI - UTC in seconds, used when the kernel has no TAI offset (no ptp4l on this host)")
      ->capture_default_str();
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("takt-station"));
  spdlog::set_level(spdlog::level::from_str(o.log_level));

  if (o.detach.empty() && (o.plan.empty() || o.node.empty() || o.interface.empty())) {
    std::cerr << "takt-station: give --plan, --node and --interface (or --detach IF)\n";
    return kExitBadInput;
  }
  if (const auto missing = bpf_preflight(); !missing.empty()) {
    std::cerr << "takt-station: this host cannot run takt-station's eBPF programs:\n";
    for (const auto& m : missing) std::cerr << "  " << m << '\n';
    return kExitNoBpf;
  }
  try {
    return o.detach.empty() ? run(o) : detach_only(o.detach);
  } catch (const std::exception& e) {
    std::cerr << "takt-station: " << e.what() << '\n';
    return kExitBadInput;
  }
}
