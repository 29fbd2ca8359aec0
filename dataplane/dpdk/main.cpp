// takt-dataplane [EAL options] -- --config bridge.json --port p1=0 --port p2=1 [--metrics-port N]
//
// Brings up EAL and the ports, fits the TSC to PTP time, installs the bridge's gate schedule
// and runs the forwarder on one lcore (the first worker when there is one, else the main
// lcore). SIGINT/SIGTERM stop it cleanly (ports stopped, counters printed); SIGHUP reloads the
// configuration file and installs its gate schedule without stopping traffic, taking turns with
// the switch agent's commits (--agent-port).
//
// Exit codes (options.hpp): 0 stopped cleanly, 1 a failure after start-up (printed), 2 a usage
// error in takt-dataplane's options (checked before EAL starts), 3 EAL initialisation failed
// (EAL's options before "--", hugepages, permissions; DPDK prints why).
#include <pthread.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <memory>
#include <set>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "protocol/bridge_config_json.hpp"
#include "telemetry/metrics_registry.hpp"
#include "dataplane/dpdk/control_thread.hpp"
#include "dataplane/dpdk/counters_report.hpp"
#include "dataplane/dpdk/dataplane_metrics.hpp"
#include "dataplane/dpdk/eth_port.hpp"
#include "dataplane/dpdk/forwarder.hpp"
#include "dataplane/dpdk/frame_pool.hpp"
#include "dataplane/dpdk/options.hpp"
#include "telemetry/metrics_http_server.hpp"

namespace takt::dpdk {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
static_assert(std::atomic<bool>::is_always_lock_free, "signal handlers may only touch lock-free atomics");

extern "C" void on_signal(int sig) {
  if (sig == SIGHUP)
    g_reload.store(true);
  else
    g_stop.store(true);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

// Bridge port index -> DPDK port id, from the --port options.
std::vector<std::uint16_t> map_ports(const bridge::BridgeConfig& config, const Options& o) {
  std::vector<int> ids(config.ports.size(), -1);
  std::set<std::uint16_t> used;
  for (const auto& [name, device] : o.ports) {
    const auto index = config.port_index(name);
    if (!index) {
      std::string known;
      for (const auto& p : config.ports) known += (known.empty() ? "" : ", ") + p.name;
      throw std::runtime_error("--port " + name + "=" + device + ": bridge " + config.bridge + " has no port " + name +
                               " (its ports: " + known + ")");
    }
    if (ids[*index] >= 0) throw std::runtime_error("--port " + name + " is given twice");
    const std::uint16_t id = resolve_port_id(name, device);
    if (!used.insert(id).second)
      throw std::runtime_error("--port " + name + "=" + device + ": DPDK port " + std::to_string(id) +
                               " already serves another bridge port");
    ids[*index] = id;
  }
  std::vector<std::uint16_t> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0)
      throw std::runtime_error("bridge port " + config.ports[i].name + " has no --port " + config.ports[i].name +
                               "=DEVICE; every port of the configuration needs one");
    out.push_back(static_cast<std::uint16_t>(ids[i]));
  }
  return out;
}

// Every frame that can be held at once: RX and TX rings, the traffic-class queues, a burst in
// flight, per-lcore caches.
unsigned pool_size(std::size_t ports, const Options& o) {
  const std::size_t per_port = o.eth.rx_descriptors + o.eth.tx_descriptors +
                               kTrafficClasses * o.forwarder.queue_capacity + 2 * o.forwarder.burst;
  return static_cast<unsigned>(ports * per_port + 2048);
}

std::vector<std::string> driver_names(const std::vector<std::uint16_t>& port_ids) {
  std::vector<std::string> out;
  for (const std::uint16_t id : port_ids) {
    rte_eth_dev_info info{};
    out.emplace_back(rte_eth_dev_info_get(id, &info) == 0 && info.driver_name ? info.driver_name : "");
  }
  return out;
}

// Threads other than the packet lcore run on every CPU the process had, except the packet
// lcore's: a busy-polling core must not have to share with them.
cpu_set_t housekeeping_cpus(const cpu_set_t& original, unsigned packet_lcore) {
  cpu_set_t set = original;
  const unsigned cpu = rte_lcore_to_cpu_id(static_cast<int>(packet_lcore));
  CPU_CLR(cpu, &set);
  return CPU_COUNT(&set) > 0 ? set : original;
}

struct LcoreJob {
  Forwarder* forwarder;
};

int forwarder_main(void* arg) {
  static_cast<LcoreJob*>(arg)->forwarder->run(g_stop);
  return 0;
}

int run(const Options& o, const cpu_set_t& original_cpus) {
  const bridge::BridgeConfig config = bridge::load_bridge_config(o.config_path);
  const std::vector<std::uint16_t> port_ids = map_ports(config, o);
  const std::vector<std::string> drivers = driver_names(port_ids);
  const FramePool pool(pool_size(config.ports.size(), o), drivers);
  spdlog::info("frame pool: {}", pool.description());
  ForwarderSettings forwarding = o.forwarder;
  forwarding.prefetch_received = !std::all_of(drivers.begin(), drivers.end(), driver_copies_frames);

  std::vector<std::unique_ptr<EthPort>> eth;
  for (std::size_t i = 0; i < config.ports.size(); ++i)
    eth.push_back(std::make_unique<EthPort>(port_ids[i], config.ports[i].name, pool.get(), o.eth));

  QuiescentStates qs(1);
  TscTaiClock clock(qs, utc_offset_seconds(o.agent, o.utc_offset_s));
  clock.bootstrap();

  std::optional<LaunchTimeField> launch_field;
  std::vector<std::unique_ptr<DeviceClock>> device_clocks(config.ports.size());
  std::vector<DeviceClock*> device_clock_ptrs(config.ports.size(), nullptr);
  std::vector<const DeviceClock*> device_clock_readers(config.ports.size(), nullptr);
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    if (!eth[i]->launch_time()) continue;
    if (!launch_field) launch_field = LaunchTimeField::register_field();
    device_clocks[i] = std::make_unique<DeviceClock>(qs, port_ids[i]);
    if (!device_clocks[i]->refit(clock.last_fit()))
      throw std::runtime_error("port " + config.ports[i].name +
                               " offers launch time but cannot read its clock; run with --no-launch-time");
    device_clock_ptrs[i] = device_clocks[i].get();
    device_clock_readers[i] = device_clocks[i].get();
  }

  RcuCell<GateSchedule> schedule(qs);
  SchedulePublisher publisher(schedule, config, clock.last_fit().to_tai(rte_rdtsc()));

  telemetry::MetricsRegistry registry(1);
  ForwarderTelemetry telemetry = declare_packet_metrics(registry, config);
  std::unique_ptr<StallRecorder> stalls;
  if (o.forwarder.stall_threshold.count() > 0) {
    stalls = std::make_unique<StallRecorder>(registry, config.bridge, o.stall_log);
    telemetry.stalls = stalls.get();
  }
  const ControlGauges gauges = declare_control_metrics(registry);
  Forwarder forwarder(config, port_ids, device_clock_readers, launch_field, forwarding, telemetry, qs, clock, schedule);
  expose_forwarder_counters(registry, config, forwarder);

  const unsigned worker = rte_get_next_lcore(static_cast<unsigned>(-1), 1, 0);
  const bool on_worker = worker < RTE_MAX_LCORE;
  const unsigned packet_lcore = on_worker ? worker : rte_get_main_lcore();

  // Threads started while the main thread carries the housekeeping affinity inherit it.
  cpu_set_t main_cpus;
  pthread_getaffinity_np(pthread_self(), sizeof main_cpus, &main_cpus);
  const cpu_set_t housekeeping = housekeeping_cpus(original_cpus, packet_lcore);
  pthread_setaffinity_np(pthread_self(), sizeof housekeeping, &housekeeping);
  ControlThread control(clock, device_clock_ptrs, publisher, o.config_path, gauges, stalls.get());
  control.start(g_stop, g_reload);
  std::unique_ptr<telemetry::MetricsHttpServer> server;
  std::unique_ptr<DataplaneAgent> agent;
  try {
    if (o.metrics_port != 0) {
      telemetry::MetricsHttpOptions http;
      http.address = o.metrics_address;
      http.port = o.metrics_port;
      http.server_name = "takt-dataplane";
      server = std::make_unique<telemetry::MetricsHttpServer>(registry, std::move(http));
    }
    agent = start_agent(o.agent, clock, publisher, config, registry);
  } catch (...) {
    g_stop.store(true);
    throw;
  }
  pthread_setaffinity_np(pthread_self(), sizeof main_cpus, &main_cpus);

  spdlog::info("bridge {}: {} ports, {} static FDB entries, {} streams; forwarding on lcore {}", config.bridge,
               config.ports.size(), config.static_fdb.size(), config.streams.size(), packet_lcore);
  LcoreJob job{&forwarder};
  if (on_worker) {
    if (int rc = rte_eal_remote_launch(forwarder_main, &job, worker); rc != 0) {
      g_stop.store(true);
      throw std::runtime_error(std::string("cannot launch the forwarder on lcore ") + std::to_string(worker) + ": " +
                               rte_strerror(-rc));
    }
    // rte_eal_wait_lcore() busy-waits; the main lcore sleeps instead, leaving its CPU to the
    // control and metrics threads.
    while (rte_eal_get_lcore_state(worker) == RUNNING) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    rte_eal_wait_lcore(worker);
  } else {
    forwarder_main(&job);
  }

  g_stop.store(true);
  control.join();
  if (server) server->stop();
  for (auto& p : eth) p->stop();
  forwarder.release_queued();
  print_counters(stdout, config, forwarder);
  if (!o.counters_out.empty()) {
    std::ofstream out(o.counters_out);
    out << counters_json(config, forwarder).dump(2) << '\n';
    if (!out) throw std::runtime_error(o.counters_out + ": cannot write the counters");
  }
  return kExitOk;
}

// takt-dataplane's own options are the words after the first "--" (EAL's are before it), with
// the program name in front as CLI11 expects.
std::vector<char*> own_arguments(int argc, char** argv) {
  std::vector<char*> own{argv[0]};
  int i = 1;
  while (i < argc && std::string_view(argv[i]) != "--") ++i;
  for (++i; i < argc; ++i) own.push_back(argv[i]);
  return own;
}

}  // namespace
}  // namespace takt::dpdk

int main(int argc, char** argv) {
  // First of all: a SIGINT during the seconds of start-up then stops the bridge as soon as it
  // runs, instead of being lost (a script's background job starts with SIGINT ignored) or
  // killing it half set up.
  takt::dpdk::install_signal_handlers();
  cpu_set_t original_cpus;
  sched_getaffinity(0, sizeof original_cpus, &original_cpus);
  // Our options before EAL's start-up: a usage error then exits 2 at once, without hugepages,
  // devices or root, and never after EAL has taken the host's resources.
  takt::dpdk::Options options;
  auto own = takt::dpdk::own_arguments(argc, argv);
  if (auto code = takt::dpdk::parse_options(static_cast<int>(own.size()), own.data(), options)) return *code;
  const int consumed = rte_eal_init(argc, argv);
  if (consumed < 0) {
    fmt::print(stderr, "takt-dataplane: EAL initialisation failed: {}\n", rte_strerror(rte_errno));
    return takt::dpdk::kExitEal;
  }
  int rc = takt::dpdk::kExitFailure;
  try {
    rc = takt::dpdk::run(options, original_cpus);
  } catch (const std::exception& e) {
    fmt::print(stderr, "takt-dataplane: {}\n", e.what());
  }
  rte_eal_cleanup();
  return rc;
}
