// apply to N takt-agent processes on loopback over TLS with client certificates, in pairs: a
// first apply as a fresh process makes it (no clients, connections or TLS sessions: the agent
// pool is cleared before it), then a second one in the same process, which finds the first
// one's connections kept (agent_pool.hpp), and a third after those connections were closed, which
// opens new ones and resumes their TLS sessions (tls_session_cache.hpp: what a controller whose
// rounds are further apart than a connection is kept pays). They alternate two plans so every
// apply really changes every port. Prints per-phase and total median / p99 of both, and what each did on
// the wire. Not a pass/fail test: figures depend on the machine.
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

#include "control/southbound/agent_pool.hpp"
#include "control/southbound/installer.hpp"
#include "tests/bench/apply/install_phases.hpp"
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

  // Per phase, as the installer reports them; "set-up" is the rest of the total: the clients
  // (TLS files read, contexts made) and the plan's diff.
  struct Phases : bench::InstallPhases {
    southbound::AgentClientStats wire;  // summed over agents and applies
  };
  Phases first, second, resumed;
  // What the clients did in the apply just made (their counters are cumulative).
  std::vector<southbound::AgentClientStats> seen(endpoints.size());
  auto count = [&](Phases& into) {
    auto lease = southbound::AgentPool::process().lease();
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      const auto& now = lease.client(endpoints[i]).stats();
      into.wire.connections += now.connections - seen[i].connections;
      into.wire.resumed_sessions += now.resumed_sessions - seen[i].resumed_sessions;
      into.wire.requests += now.requests - seen[i].requests;
      into.wire.kept_requests += now.kept_requests - seen[i].kept_requests;
      into.wire.reopened += now.reopened - seen[i].reopened;
      seen[i] = now;
    }
  };
  southbound::install(plans[1], endpoints, options);  // warm-up: page cache, agents' first requests
  for (int r = 0; r < repeats; ++r) {
    southbound::AgentPool::process().clear();  // as a fresh process: no clients, connections, sessions
    seen.assign(endpoints.size(), {});
    first.add(southbound::install(plans[r % 2], endpoints, options));
    count(first);
    second.add(southbound::install(plans[(r + 1) % 2], endpoints, options));
    count(second);
    southbound::AgentPool::process().close_connections();
    resumed.add(southbound::install(plans[r % 2], endpoints, options));
    count(resumed);
  }
  std::printf(
      "apply to %d takt-agents on loopback (TLS 1.3, client certificates), %d times each kind, lead %d ms, "
      "%s\n",
      agents, repeats, lead_ms, wait ? "waiting for oper" : "confirming pending (no wait for the base time)");
  std::printf(
      "first: as a fresh process (no clients, connections or TLS sessions); second: right after it (connections "
      "kept); resumed: new connections, TLS sessions resumed\n");
  std::printf("%-24s %10s %10s %10s %10s %10s %10s %8s\n", "phase (ms)", "1st med", "1st p99", "2nd med", "2nd p99",
              "res. med", "res. p99", "1st/2nd");
  auto row = [](const char* name, const std::vector<double>& a, const std::vector<double>& b,
                const std::vector<double>& c) {
    const double ma = percentile(a, 0.5), mb = percentile(b, 0.5);
    std::printf("%-24s %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %8.1f\n", name, ma, percentile(a, 0.99), mb,
                percentile(b, 0.99), percentile(c, 0.5), percentile(c, 0.99), mb > 0 ? ma / mb : 0.0);
  };
  row("set-up (clients, diff)", first.setup, second.setup, resumed.setup);
  row("health + running state", first.health, second.health, resumed.health);
  row("stage", first.stage, second.stage, resumed.stage);
  row("commit", first.commit, second.commit, resumed.commit);
  row("confirm", first.confirm, second.confirm, resumed.confirm);
  row("total", first.total, second.total, resumed.total);
  auto wire = [&](const char* name, const southbound::AgentClientStats& w) {
    const double n = repeats;
    std::printf(
        "%-8s per apply: %5.1f connections opened (%5.1f resumed TLS sessions), %5.1f requests (%5.1f on kept "
        "connections), %4.1f kept connections reopened\n",
        name, w.connections / n, w.resumed_sessions / n, w.requests / n, w.kept_requests / n, w.reopened / n);
  };
  wire("first", first.wire);
  wire("second", second.wire);
  wire("resumed", resumed.wire);
  return 0;
}
