#include "control/southbound/remote_clock.hpp"

#include <exception>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "ptp/clock_health.hpp"
#include "ptp/management_client.hpp"
#include "ptp/ptp_errors.hpp"

namespace takt::southbound {

namespace {

// ptp4l sends an answer it forwards from the network to whichever client last wrote to its
// socket: two reads through one ptp4l at once would take each other's answers. One at a time
// per socket in this process; another process's request in between still can, hence the retry.
std::mutex& lock_for(const std::string& uds) {
  static std::mutex guard;
  static std::map<std::string, std::unique_ptr<std::mutex>> locks;
  std::lock_guard lock(guard);
  auto& m = locks[uds];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

constexpr int kAttempts = 3;

}  // namespace

RemoteClock read_remote_clock(const AgentEndpoint& endpoint, Nanos sync_budget) {
  RemoteClock out;
  if (endpoint.ptp_clock.empty()) {
    out.reason = "clock state not read (no ptp-clock for it in agents.yaml)";
    return out;
  }
  out.read = true;
  try {
    ptp::ManagementClientOptions options;
    options.uds_address = endpoint.ptp_via;
    options.transport_specific = endpoint.ptp_transport_specific;
    options.domain_number = endpoint.ptp_domain;
    options.remote_clock = ptp::parse_clock_identity(endpoint.ptp_clock);
    options.boundary_hops = endpoint.ptp_boundary_hops;
    ptp::PtpManagementClient client(options);
    std::lock_guard one_at_a_time(lock_for(endpoint.ptp_via));
    ptp::ClockHealth health;
    for (int attempt = 1;; ++attempt) {
      try {
        health = ptp::read_clock_health(client);
        break;
      } catch (const ptp::TransportError&) {
        if (attempt == kAttempts) throw;
      }
    }
    const ptp::HealthAssessment judged = ptp::assess(health, sync_budget);
    out.synchronised = judged.ok;
    out.reason =
        fmt::format("clock {} (PTP management through {}): {}", endpoint.ptp_clock, endpoint.ptp_via, judged.reason);
  } catch (const std::exception& e) {
    out.synchronised = false;
    out.reason = fmt::format("clock {} not readable: {}", endpoint.ptp_clock, e.what());
  }
  return out;
}

}  // namespace takt::southbound
