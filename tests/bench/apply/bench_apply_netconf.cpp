// apply to NETCONF bridges (and any takt agents) named in an agents.yaml, first with fresh SSH
// sessions, then right after with the sessions kept (NetconfSessionPool, as takt-controller
// keeps them). Prints per-phase median / max. Not a pass/fail test: bench_apply_netconf.sh
// starts four netconfd servers behind private sshds on loopback and runs it.
//
//   bench_apply_netconf PLAN_DIR AGENTS_YAML [--repeats 5]
#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/desired_plant.hpp"
#include "control/southbound/installer.hpp"
#include "control/southbound/netconf_session_pool.hpp"
#include "tests/bench/apply/install_phases.hpp"

using namespace takt;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

double max_of(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); }

using Phases = bench::InstallPhases;

}  // namespace

static int run(const std::string& plan, const std::string& agents_file, int repeats, int lead_ms);

int main(int argc, char** argv) {
  CLI::App app{"bench_apply_netconf: apply to NETCONF bridges, fresh sessions and kept ones"};
  std::string plan, agents_file;
  int repeats = 5, lead_ms = 300;
  app.add_option("plan", plan, "Plan folder (taktctl plan -o)")->required();
  app.add_option("agents", agents_file, "agents.yaml")->required();
  app.add_option("--repeats", repeats, "First/second apply pairs")->capture_default_str();
  app.add_option("--lead-ms", lead_ms, "Base time lead")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    return run(plan, agents_file, repeats, lead_ms);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_apply_netconf: %s\n", e.what());
    return 1;
  }
}

static int run(const std::string& plan, const std::string& agents_file, int repeats, int lead_ms) {
  const auto desired = southbound::load_desired_plant(plan);
  const auto agents = southbound::load_agents_file(agents_file);
  southbound::InstallOptions options;
  options.lead = std::chrono::milliseconds(lead_ms);
  options.allow_unsynchronised = true;  // no clock health over NETCONF yet
  options.wait_for_oper = false;
  Phases first, second;
  std::size_t opened = 0, reused = 0;
  for (int r = 0; r < repeats; ++r) {
    southbound::NetconfSessionPool pool;  // as a fresh process: no sessions
    options.netconf_sessions = &pool;
    first.add(southbound::install(desired, agents, options));
    second.add(southbound::install(desired, agents, options));
    opened += pool.opened();
    reused += pool.reused();
  }
  const std::size_t bridges = desired.bridges.size();
  std::printf("apply to %zu bridges (%s), %d first + %d second applies, lead %d ms, no wait for the base time\n",
              bridges, agents_file.c_str(), repeats, repeats, lead_ms);
  std::printf("first: fresh SSH sessions; second: the sessions kept from the first (%zu opened, %zu reused)\n", opened,
              reused);
  std::printf("%-24s %12s %12s %12s %12s %8s\n", "phase", "1st med ms", "1st max ms", "2nd med ms", "2nd max ms",
              "1st/2nd");
  auto row = [](const char* name, const std::vector<double>& a, const std::vector<double>& b) {
    const double ma = median(a), mb = median(b);
    std::printf("%-24s %12.2f %12.2f %12.2f %12.2f %8.1f\n", name, ma, max_of(a), mb, max_of(b),
                mb > 0 ? ma / mb : 0.0);
  };
  row("set-up (plan, diff)", first.setup, second.setup);
  row("health (sessions)", first.health, second.health);
  row("stage", first.stage, second.stage);
  row("commit", first.commit, second.commit);
  row("confirm (read back)", first.confirm, second.confirm);
  row("total", first.total, second.total);
  return 0;
}
