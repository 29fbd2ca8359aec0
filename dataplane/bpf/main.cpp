// takt-station: puts an end station's unmodified applications into the streams the plan
// reserved for them and measures what the station receives, with two tc programs (eBPF).
//
//   takt-station --plan PLANDIR --node NAME --interface IF [--metrics-port N] [--duration 30s]
//                [--api-port 8444 --api-cert C --api-key K --api-ca CA | --plain-http]
//   takt-station --detach IF
//
// Reads PLANDIR/stations/NAME.json (takt-station/1, written by `taktctl plan`). SIGHUP reads it
// again and swaps the maps in place (no detach, counters of remaining streams kept); a file
// that does not load leaves the running plan as it is; PUT /api/v1/station does the same with a
// configuration sent by `taktctl apply`. SIGINT/SIGTERM remove the programs.
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
#include <mutex>
#include <thread>
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
#include "dataplane/agent/agent_server.hpp"
#include "dataplane/bpf/bpf_station.hpp"
#include "dataplane/bpf/station_api.hpp"
#include "dataplane/bpf/station_metrics.hpp"
#include "dataplane/bpf/station_tables.hpp"
#include "dataplane/bpf/tc_attachment.hpp"
#include "protocol/bounded_json.hpp"
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
  std::optional<std::uint16_t> api_port;
  std::string api_address = "0.0.0.0";
  std::string api_cert;
  std::string api_key;
  std::string api_ca;
  bool plain_http = false;
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
// Loaded from the file at start and on SIGHUP (main thread) and from the API (its io thread).
class Station {
 public:
  Station(BpfStation& bpf, StationMetrics& metrics, std::string node, MacAddress own, Nanos tai_correction)
      : bpf_(bpf), metrics_(metrics), node_(std::move(node)), own_(own), tai_correction_(tai_correction) {}

  void load(const std::string& path) {
    const StationConfig config = load_station_config(path);
    if (config.station != node_) {
      throw std::invalid_argument(
          fmt::format("{} is for end station '{}', this is '{}'", path, text_excerpt(config.station, 64), node_));
    }
    apply(config);
  }

  // Everything is computed before the first map write, so a plan that does not fit changes
  // nothing (ConfigError names the streams).
  void apply(const StationConfig& config) {
    std::lock_guard lock(mutex_);
    IndexTable talk = assign_indexes(talk_indexes_, talk_names(config));
    IndexTable listen = assign_indexes(listen_indexes_, listen_names(config));
    const StationTables tables = station_tables(config, own_, talk, listen);
    bpf_.apply(tables, tai_correction_);
    talk_indexes_ = std::move(talk);
    listen_indexes_ = std::move(listen);
    metrics_.follow(config, talk_indexes_, listen_indexes_);
    current_ = config;
    ++plans_;
    spdlog::info(
        "plan {} for {}: talks {} stream(s), listens to {} ({} IP-identified)", plans_, config.station,
        config.talks.size(), config.listens.size(),
        std::count_if(config.talks.begin(), config.talks.end(), [](const auto& t) { return t.ip.has_value(); }));
  }

  std::pair<StationConfig, std::uint64_t> current() const {
    std::lock_guard lock(mutex_);
    return {current_, plans_};
  }

 private:
  mutable std::mutex mutex_;
  BpfStation& bpf_;
  StationMetrics& metrics_;
  std::string node_;
  MacAddress own_;
  Nanos tai_correction_;
  IndexTable talk_indexes_;
  IndexTable listen_indexes_;
  StationConfig current_;
  std::uint64_t plans_ = 0;
};

// The API on its own io thread, as the switch agent serves it.
class ApiService {
 public:
  ApiService(const Options& o, Station& station, const telemetry::MetricsRegistry& registry)
      : api_(o.node,
             StationApiHooks{[&station] { return station.current(); },
                             [&station](const StationConfig& c) { station.apply(c); }},
             registry),
        server_(io_, server_options(o), api_) {
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ApiService() {
    server_.stop();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;
  std::uint16_t port() const { return server_.port(); }

 private:
  static agent::ServerOptions server_options(const Options& o) {
    agent::ServerOptions s;
    s.address = o.api_address;
    s.port = *o.api_port;
    s.plain_http = o.plain_http;
    s.certificate_file = o.api_cert;
    s.private_key_file = o.api_key;
    s.ca_file = o.api_ca;
    return s;
  }

  boost::asio::io_context io_;
  StationApi api_;
  agent::AgentServer server_;
  std::thread thread_;
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
  Station station(bpf, metrics, o.node, own, ts.clock_tai_correction());
  station.load(path);  // before attaching: the programs never run without a plan

  std::unique_ptr<telemetry::MetricsHttpServer> server;
  if (o.metrics_port) {
    server = std::make_unique<telemetry::MetricsHttpServer>(
        registry, telemetry::MetricsHttpOptions{o.metrics_address, *o.metrics_port, "takt-station"});
    spdlog::info("serving Prometheus metrics on {}", server->url());
  }
  std::unique_ptr<ApiService> api;
  if (o.api_port) {
    api = std::make_unique<ApiService>(o, station, registry);
    spdlog::info("serving the station API on {}://{}:{}/api/v1/station", o.plain_http ? "http" : "https", o.api_address,
                 api->port());
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
  app.add_option("--api-port", o.api_port,
                 "Serve /api/v1/station (taktctl apply installs plans through it) on this port");
  app.add_option("--api-address", o.api_address, "Address the API binds")->capture_default_str();
  app.add_option("--api-cert", o.api_cert, "PEM server certificate of the API (scripts/pki.sh)");
  app.add_option("--api-key", o.api_key, "PEM private key of the API");
  app.add_option("--api-ca", o.api_ca, "PEM CA whose client certificates may write");
  app.add_flag("--plain-http", o.plain_http, "Serve the API without TLS (loopback addresses only; for development)");
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
