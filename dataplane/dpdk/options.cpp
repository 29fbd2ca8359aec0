#include "dataplane/dpdk/options.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace takt::dpdk {
namespace {

// Why a file could not be created or replaced at `path` later, or nothing. Checked without
// creating it: the folder must exist and be writable, an existing file writable and not a folder.
std::optional<std::string> unwritable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) return std::string("is a folder, not a file");
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) return fmt::format("the folder {} does not exist", dir.string());
  if (fs::exists(p, ec)) {
    if (::access(path.c_str(), W_OK) != 0) return fmt::format("cannot write the file: {}", std::strerror(errno));
  } else if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno));
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_options(int argc, char** argv, Options& o) {
  CLI::App app{
      "takt-dataplane: an IEEE 802.1Qbv bridge on DPDK.\n"
      "Usage: takt-dataplane [EAL options] -- --config bridge.json --port p1=0 --port p2=1 ..."};
  app.add_option("--config", o.config_path, "Bridge configuration (takt-bridge/1 JSON, from taktctl)")
      ->required()
      ->check(CLI::ExistingFile);
  std::vector<std::string> ports;
  app.add_option("--port", ports,
                 "NAME=DEVICE: bridge port NAME of the configuration is DPDK port DEVICE (a port id or a device "
                 "name such as net_af_packet0); one per configured port")
      ->required();
  app.add_option("--metrics-port", o.metrics_port, "Serve Prometheus /metrics on this TCP port (0: off)");
  app.add_option("--metrics-address", o.metrics_address, "Address to serve /metrics on")->capture_default_str();
  app.add_option("--utc-offset", o.utc_offset_s,
                 "TAI - UTC in seconds, added to CLOCK_REALTIME (with --ptp-uds, ptp4l's offset when it is valid)")
      ->capture_default_str();
  app.add_option("--counters-out", o.counters_out, "Write all counters as JSON to this file at shutdown");
  app.add_option("--burst", o.forwarder.burst, "Frames per RX/TX burst")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  app.add_option("--queue-capacity", o.forwarder.queue_capacity, "Frames per traffic-class queue")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  std::int64_t lookahead_ns = o.forwarder.tx_lookahead.count(), spin_ns = o.forwarder.tx_spin.count();
  app.add_option("--tx-lookahead-ns", lookahead_ns, "How far ahead of now frames are handed to the PMD")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000}));
  app.add_option("--tx-spin-ns", spin_ns, "Busy-wait on the TSC for a gate opening closer than this")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000}));
  std::int64_t idle_sleep_us = 0;
  app.add_option("--idle-sleep-us", idle_sleep_us,
                 "Sleep up to this long when idle instead of busy polling (shared CPUs: CI, VMs); a frame arriving "
                 "meanwhile waits that long at most, plus the wake-up")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{100'000}));
  app.add_option(
         "--rt-priority", o.forwarder.rt_priority,
         "Run the packet loop at this SCHED_FIFO priority (needs --idle-sleep-us, or the loop starves its core)")
      ->capture_default_str()
      ->check(CLI::Range(0, 99));
  std::int64_t stall_threshold_us = o.forwarder.stall_threshold.count() / 1'000;
  app.add_option("--stall-threshold-us", stall_threshold_us,
                 "Count a host stall when the packet loop comes back this much later than it meant to (its vCPU or "
                 "thread did not run); 0: off")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
  app.add_option("--stall-log", o.stall_log,
                 "Append each host stall to this file, one JSON object per line (node, start-ns, end-ns, excess-ns; "
                 "TAI), so late frames can be put down to the host");
  app.add_option("--lateness-stats", o.forwarder.lateness_samples,
                 "Keep up to N gate launch lateness samples and print median and p99 at shutdown");
  app.add_option("--rx-descriptors", o.eth.rx_descriptors, "RX ring size")->capture_default_str();
  app.add_option("--tx-descriptors", o.eth.tx_descriptors, "TX ring size")->capture_default_str();
  add_agent_options(app, o.agent);
  bool no_launch_time = false;
  app.add_flag("--no-launch-time", no_launch_time, "Gate in software even where the PMD offers SEND_ON_TIMESTAMP");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints the message (or the help) and gives CLI11's code: 0 for --help.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!o.counters_out.empty()) {
    if (auto problem = unwritable(o.counters_out)) {
      std::cerr << "--counters-out " << o.counters_out << ": " << *problem
                << "; the counters are written there at shutdown, so give a path that can be written now\n";
      return kExitUsage;
    }
  }
  o.forwarder.tx_lookahead = Nanos{lookahead_ns};
  o.forwarder.tx_spin = Nanos{spin_ns};
  o.forwarder.idle_sleep = Nanos{idle_sleep_us * 1'000};
  o.forwarder.stall_threshold = Nanos{stall_threshold_us * 1'000};
  if (!o.stall_log.empty() && stall_threshold_us == 0) {
    std::cerr << "--stall-log needs a --stall-threshold-us above 0\n";
    return kExitUsage;
  }
  if (o.forwarder.rt_priority > 0 && idle_sleep_us == 0) {
    std::cerr << "--rt-priority " << o.forwarder.rt_priority
              << " needs --idle-sleep-us: a busy-polling loop at a real-time priority never gives its core back\n";
    return kExitUsage;
  }
  o.eth.allow_launch_time = !no_launch_time;
  for (const auto& p : ports) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) {
      std::cerr << "--port " << p << ": write it as NAME=DEVICE, e.g. --port p1=0 or --port p1=net_af_packet0\n";
      return kExitUsage;
    }
    o.ports.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return std::nullopt;
}

}  // namespace takt::dpdk
