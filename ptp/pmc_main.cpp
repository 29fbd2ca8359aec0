// takt-pmc: prints one node's PTP clock health as ptp4l reports it on its UNIX socket.
//   takt-pmc -s /var/run/ptp4l [--transport-specific 1] [--domain 0] [--json]
//            [--set-sync-uncertain[=false|true|dont-care]] [--budget NS] [--check]
// Exit status: 0 answered (and healthy with --check), 1 ptp4l could not be asked or refused,
// 3 with --check when the assessment is not ok; CLI11's codes for usage errors.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ptp/clock_health.hpp"
#include "ptp/management_client.hpp"

namespace {

using takt::ptp::SyncUncertain;

SyncUncertain parse_sync_uncertain(const std::string& text) {
  if (text == "false" || text == "0") return SyncUncertain::no;
  if (text == "true" || text == "1") return SyncUncertain::yes;
  return SyncUncertain::dont_care;  // the option's check admits nothing else
}

std::string sync_uncertain_name(SyncUncertain value) {
  switch (value) {
    case SyncUncertain::no:
      return "false";
    case SyncUncertain::yes:
      return "true";
    case SyncUncertain::dont_care:
      return "dont-care";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Print a node's PTP clock health as ptp4l reports it on its management socket"};
  takt::ptp::ManagementClientOptions options;
  unsigned transport_specific = 0;
  unsigned domain = 0;
  long timeout_ms = 500;
  long long budget_ns = 1000;
  bool json = false;
  bool check = false;
  std::string sync_uncertain;
  app.add_option("-s,--socket", options.uds_address, "ptp4l's uds_address")->capture_default_str();
  app.add_option("-t,--transport-specific", transport_specific, "transportSpecific of ptp4l's config (1 for gPTP)")
      ->check(CLI::Range(0, 15))
      ->capture_default_str();
  app.add_option("-d,--domain", domain, "ptp4l's domainNumber")->check(CLI::Range(0, 255))->capture_default_str();
  app.add_option("--timeout", timeout_ms, "milliseconds to wait for each answer")
      ->check(CLI::Range(1L, 60000L))
      ->capture_default_str();
  app.add_option("--budget", budget_ns, "sync error budget in ns for the assessment")
      ->check(CLI::Range(0LL, 1'000'000'000LL))
      ->capture_default_str();
  auto* set_option = app.add_flag("--set-sync-uncertain{false}", sync_uncertain,
                                  "first SET SYNCHRONIZATION_UNCERTAIN_NP (false lets a free-running slave "
                                  "leave UNCALIBRATED); value false, true or dont-care")
                         ->check(CLI::IsMember({"false", "true", "dont-care", "0", "1", "255"}));
  std::string remote;
  unsigned boundary_hops = 1;
  app.add_option("--remote", remote,
                 "ask this clockIdentity (another clock of the domain, e.g. a switch's) through the ptp4l at --socket")
      ->check([](const std::string& text) {
        return takt::ptp::parse_clock_identity(text) ? std::string() : "not a clockIdentity (0eeb4d.fffe.f4fac8)";
      });
  app.add_option("--boundary-hops", boundary_hops, "boundary clocks a --remote request may cross")
      ->check(CLI::Range(1, 255))
      ->capture_default_str();
  app.add_flag("--json", json, "print JSON instead of text");
  app.add_flag("--check", check, "exit with status 3 when the clock is not healthy");
  CLI11_PARSE(app, argc, argv);

  options.transport_specific = static_cast<std::uint8_t>(transport_specific);
  options.domain_number = static_cast<std::uint8_t>(domain);
  options.timeout = std::chrono::milliseconds{timeout_ms};
  if (!remote.empty()) options.remote_clock = takt::ptp::parse_clock_identity(remote);
  options.boundary_hops = static_cast<std::uint8_t>(boundary_hops);

  try {
    takt::ptp::PtpManagementClient client(options);
    nlohmann::json out{{"socket", options.uds_address}};
    if (set_option->count() > 0) {
      const SyncUncertain echoed = client.set_synchronization_uncertain_np(parse_sync_uncertain(sync_uncertain));
      out["set_synchronization_uncertain"] = sync_uncertain_name(echoed);
      if (!json) fmt::print("SYNCHRONIZATION_UNCERTAIN_NP set to {}\n", sync_uncertain_name(echoed));
    }
    const takt::ptp::ClockHealth health = takt::ptp::read_clock_health(client);
    const takt::ptp::HealthAssessment verdict = takt::ptp::assess(health, takt::Nanos{budget_ns});
    if (json) {
      out["health"] = health;
      out["assessment"] = verdict;
      std::cout << out.dump(2) << '\n';
    } else {
      fmt::print("{}{}: {}\n", takt::ptp::to_text(health), verdict.ok ? "ok" : "NOT OK", verdict.reason);
    }
    return check && !verdict.ok ? 3 : 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "takt-pmc: {}\n", e.what());
    return 1;
  }
}
