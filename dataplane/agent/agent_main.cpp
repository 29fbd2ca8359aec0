// takt-agent: the switch agent API on core gate engines driven by the host's TAI clock. No
// packets are forwarded; it runs exactly the gate logic a takt-dataplane runs, so schedules
// can be installed, inspected and reconciled end to end on machines without DPDK.
#include <csignal>
#include <fstream>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dataplane/agent/agent_service.hpp"
#include "dataplane/agent/gate_engine_runtime.hpp"
#include "ptp/host_tai_clock.hpp"

int main(int argc, char** argv) {
  using namespace takt::agent;
  CLI::App app{"takt-agent: IEEE 802.1Qbv switch agent (configuration API on core gate engines, no packet path)"};
  AgentServiceOptions options;
  std::vector<std::string> port_names;
  PortCapabilities caps;
  std::string ptp_uds;
  int ptp_transport_specific = 0;
  int ptp_domain = 0;
  std::int64_t sync_budget_ns = 1000;
  std::int64_t min_commit_lead_us = 1000;
  std::int64_t max_base_time_ahead_s = 3600;
  std::string port_file;
  std::string sync_loss = "keep";
  std::string log_level = "info";

  app.add_option("--bridge", options.api.bridge, "Bridge name, as the plant calls it")->required();
  app.add_option("--ports", port_names, "Port names of the bridge, as the plant calls them")
      ->required()
      ->delimiter(',');
  app.add_option("--address", options.server.address, "Listen address")->capture_default_str();
  app.add_option("--port", options.server.port, "Listen port (0: any free one, see --port-file)")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port number to this file once listening");
  app.add_flag("--plain-http", options.server.plain_http,
               "Serve plain HTTP without authentication (loopback addresses only; development)");
  app.add_option("--cert", options.server.certificate_file, "Server certificate (PEM)");
  app.add_option("--key", options.server.private_key_file, "Server private key (PEM)");
  app.add_option("--ca", options.server.ca_file, "CA that signs client certificates (PEM)");
  app.add_option("--ptp-uds", ptp_uds, "ptp4l's uds_address: report clock health and take the UTC offset from it");
  app.add_option("--ptp-transport-specific", ptp_transport_specific, "ptp4l's transportSpecific (1 for gPTP)");
  app.add_option("--ptp-domain", ptp_domain, "ptp4l's domainNumber");
  app.add_option("--sync-budget-ns", sync_budget_ns,
                 "Offset from master beyond which the clock is out of sync (takt_ptp_synchronised 0, --sync-loss)")
      ->capture_default_str();
  app.add_option("--sync-loss", sync_loss,
                 "When the clock is out of sync (needs --ptp-uds): keep the schedule running, or open-gates until the "
                 "clock is back, then run the committed schedule again from its base time")
      ->capture_default_str()
      ->check(CLI::IsMember({"keep", "open-gates"}));
  app.add_option("--supported-list-max", caps.supported_list_max, "Gate control entries per port")
      ->capture_default_str();
  app.add_option("--tick-granularity", caps.tick_granularity, "Gate timing granularity in tenths of ns")
      ->capture_default_str();
  app.add_option("--min-commit-lead-us", min_commit_lead_us, "How far in the future a commit's base time must be")
      ->capture_default_str();
  app.add_option("--max-base-time-ahead-s", max_base_time_ahead_s,
                 "How far in the future a commit's base time may be at most (further: 400)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-connections", options.server.max_connections,
                 "Connections served at once; beyond them new ones get 503 and are closed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-body-bytes", options.server.max_body_bytes, "Largest request body (larger: 413)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  std::optional<takt::ptp::ManagementClientOptions> ptp;
  if (!ptp_uds.empty()) {
    ptp.emplace();
    ptp->uds_address = ptp_uds;
    ptp->transport_specific = static_cast<std::uint8_t>(ptp_transport_specific);
    ptp->domain_number = static_cast<std::uint8_t>(ptp_domain);
  }
  options.api.sync_budget = takt::Nanos{sync_budget_ns};
  options.sync.on_loss = *parse_sync_loss_action(sync_loss);
  options.store.min_commit_lead = std::chrono::microseconds(min_commit_lead_us);
  options.api.max_base_time_ahead = std::chrono::seconds(max_base_time_ahead_s);

  try {
    ClockHealthSource health(ptp);
    takt::ptp::HostTaiClock clock([&health] { return health.utc_offset(); });
    if (health.configured()) {
      try {
        health.read();  // learn the UTC offset before the first schedule is placed in time
      } catch (const std::exception& e) {
        spdlog::warn("takt-agent: ptp4l at {} did not answer yet: {}", ptp_uds, e.what());
      }
    }
    std::vector<PortCapabilities> ports;
    for (const auto& name : port_names) {
      PortCapabilities c = caps;
      c.port = name;
      ports.push_back(c);
    }
    GateEngineRuntime runtime(ports, [&clock] { return clock.now(); });
    AgentService service(options, runtime, health);
    if (!port_file.empty()) {
      std::ofstream(port_file + ".tmp") << service.port() << "\n";
      std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    }
    spdlog::info(
        "takt-agent: bridge {} with {} ports serving {} on {}:{}{}", options.api.bridge, ports.size(),
        options.server.plain_http ? "plain HTTP" : "HTTPS (client certificates for writes)", options.server.address,
        service.port(),
        health.configured() ? fmt::format(", clock health from {}", ptp_uds) : ", no clock health (no --ptp-uds)");

    // Signals are taken synchronously on the main thread; the service runs on its own.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    service.start();
    int signal = 0;
    sigwait(&set, &signal);
    spdlog::info("takt-agent: signal {}, stopping", signal);
    service.stop();
  } catch (const std::exception& e) {
    spdlog::error("takt-agent: {}", e.what());
    return 1;
  }
  return 0;
}
