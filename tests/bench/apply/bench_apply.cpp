// apply to N takt-agent processes on loopback over TLS with client certificates, repeated,
// alternating two plans so every apply really changes every port. Prints per-phase and total
// median / p99. Not a pass/fail test: figures depend on the machine.
//
//   bench_apply [--agents 16] [--repeats 50] [--lead-ms 100] [--wait]
//
// Without --wait an apply ends when every agent confirmed the pending schedule (what taktctl
// apply --no-wait does); with --wait it also waits for the base time and checks oper state,
// so the total then includes the lead.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "control/southbound/installer.hpp"
#include "tests/support/pki_fixture.hpp"
#include "tests/support/agent_test_support.hpp"
#include "tests/support/agent_process.hpp"

using namespace takt;

namespace {

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

double ms(Nanos d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_apply: all-or-nothing apply to N takt-agents on loopback"};
  int agents = 16, repeats = 50, lead_ms = 100;
  bool wait = false;
  app.add_option("--agents", agents, "Number of takt-agent processes")->capture_default_str();
  app.add_option("--repeats", repeats, "Applies to time")->capture_default_str();
  app.add_option("--lead-ms", lead_ms, "Base time lead")->capture_default_str();
  app.add_flag("--wait", wait, "Wait for the base time and confirm oper state in every apply");
  CLI11_PARSE(app, argc, argv);

  agent::test::Pki pki;
  std::vector<std::unique_ptr<test::AgentProcess>> procs;
  std::vector<southbound::AgentEndpoint> endpoints;
  for (int i = 0; i < agents; ++i) {
    const std::string name = fmt::format("sw{:02d}", i + 1);
    procs.push_back(std::make_unique<test::AgentProcess>(
        name, std::vector<std::string>{"--cert", pki.server_cert, "--key", pki.server_key, "--ca", pki.ca}, pki.dir));
    southbound::AgentEndpoint e;
    e.bridge = name;
    southbound::parse_agent_url(e, "https://127.0.0.1:" + std::to_string(procs.back()->port()));
    e.ca_file = pki.ca;
    e.certificate_file = pki.client_cert;
    e.private_key_file = pki.client_key;
    endpoints.push_back(e);
  }
  southbound::DesiredPlant plans[2];
  for (int k = 0; k < 2; ++k) {
    plans[k].plant = "bench";
    plans[k].hyperperiod = std::chrono::milliseconds(1);
    plans[k].sync_budget = std::chrono::microseconds(1);
    for (const auto& e : endpoints)
      plans[k].bridges.emplace(e.bridge, agent::test::two_port_config(e.bridge, k ? 600'000 : 200'000));
  }
  southbound::InstallOptions options;
  options.lead = std::chrono::milliseconds(lead_ms);
  options.allow_unsynchronised = true;  // no ptp4l behind these agents
  options.wait_for_oper = wait;

  std::vector<double> total, health, stage, commit, confirm;
  southbound::install(plans[1], endpoints, options);  // warm-up: page cache, first handshakes
  for (int r = 0; r < repeats; ++r) {
    const auto report = southbound::install(plans[r % 2], endpoints, options);
    total.push_back(ms(report.total_time));
    health.push_back(ms(report.health_time));
    stage.push_back(ms(report.stage_time));
    commit.push_back(ms(report.commit_time));
    confirm.push_back(ms(report.confirm_time));
  }
  std::printf("apply to %d takt-agents on loopback (TLS, client certificates), %d applies, lead %d ms, %s\n", agents,
              repeats, lead_ms, wait ? "waiting for oper" : "confirming pending (no wait for the base time)");
  std::printf("%-28s %10s %10s %10s\n", "phase", "median ms", "p99 ms", "max ms");
  auto row = [](const char* name, const std::vector<double>& v) {
    std::printf("%-28s %10.2f %10.2f %10.2f\n", name, percentile(v, 0.5), percentile(v, 0.99),
                *std::max_element(v.begin(), v.end()));
  };
  row("health + running state", health);
  row("stage", stage);
  row("commit", commit);
  row("confirm", confirm);
  row("total", total);
  return 0;
}
