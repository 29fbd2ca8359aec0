// The installer and the controller's reconciler against three real takt-agent processes on
// loopback, over TLS with client certificates.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "control/controller/reconciler.hpp"
#include "control/southbound/agent_calls.hpp"
#include "control/southbound/installer.hpp"
#include "control/southbound/parallel.hpp"
#include "control/southbound/schedule_diff.hpp"
#include "tests/support/pki_fixture.hpp"
#include "tests/support/agent_test_support.hpp"
#include "tests/support/agent_process.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

struct Plant3 {
  agent::test::Pki pki;
  std::vector<std::unique_ptr<test::AgentProcess>> agents;

  Plant3() {
    for (const char* name : {"sw1", "sw2", "sw3"})
      agents.push_back(std::make_unique<test::AgentProcess>(name, tls_args(), pki.dir));
  }
  std::vector<std::string> tls_args(std::vector<std::string> more = {}) const {
    std::vector<std::string> a{"--cert", pki.server_cert, "--key", pki.server_key, "--ca", pki.ca};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
  test::AgentProcess& agent(const std::string& name) {
    for (auto& a : agents)
      if (a->bridge() == name) return *a;
    throw std::runtime_error("no agent " + name);
  }
  std::vector<southbound::AgentEndpoint> endpoints(bool with_client_certificate = true) const {
    std::vector<southbound::AgentEndpoint> out;
    for (const auto& a : agents) {
      southbound::AgentEndpoint e;
      e.bridge = a->bridge();
      southbound::parse_agent_url(e, "https://127.0.0.1:" + std::to_string(a->port()));
      e.ca_file = pki.ca;
      if (with_client_certificate) {
        e.certificate_file = pki.client_cert;
        e.private_key_file = pki.client_key;
      }
      e.connect_timeout = 1s;
      e.request_timeout = 2s;
      out.push_back(e);
    }
    return out;
  }
};

// Plan "open_ns": every bridge's p1/p2 open their class for open_ns of a 1 ms cycle.
southbound::DesiredPlant plan(std::uint32_t open_ns,
                              std::initializer_list<const char*> bridges = {"sw1", "sw2", "sw3"}) {
  southbound::DesiredPlant d;
  d.plant = "test-cell";
  d.hyperperiod = 1ms;
  d.sync_budget = 1us;
  for (const char* b : bridges) d.bridges.emplace(b, agent::test::two_port_config(b, open_ns));
  return d;
}

southbound::InstallOptions quick() {
  southbound::InstallOptions o;
  o.lead = 150ms;
  o.allow_unsynchronised = true;  // the agents run without ptp4l here
  return o;
}

std::map<std::string, southbound::RunningState> running(const std::vector<southbound::AgentEndpoint>& endpoints) {
  boost::asio::io_context io;
  std::map<std::string, southbound::RunningState> out;
  for (const auto& e : endpoints) {
    southbound::AgentClient c(io, e);
    out[e.bridge] = southbound::on_one<southbound::RunningState>(
        io, c, [](southbound::AgentClient& cl) { return southbound::read_running(cl); });
  }
  return out;
}

// Every bridge runs exactly `d` (nothing pending, nothing staged).
void require_runs(const std::vector<southbound::AgentEndpoint>& endpoints, const southbound::DesiredPlant& d) {
  for (const auto& [bridge, state] : running(endpoints)) {
    if (!d.bridges.contains(bridge)) continue;
    INFO("bridge " << bridge);
    CHECK(southbound::drift(state.oper, d.bridges.at(bridge)).empty());
    CHECK_FALSE(state.staged_transaction);
    for (const auto& p : state.oper.ports) CHECK_FALSE(p.config_pending);
  }
}

}  // namespace

TEST_CASE("install: every bridge switches at one base time on a hyperperiod boundary", "[southbound][install]") {
  Plant3 plant;
  const auto endpoints = plant.endpoints();
  const auto report = southbound::install(plan(200'000), endpoints, quick());
  CHECK(ns_of(report.base_time) % 1'000'000 == 0);
  CHECK(report.changes.size() == 6);
  for (const auto& c : report.changes) CHECK(c.changed);
  require_runs(endpoints, plan(200'000));
  for (const auto& [bridge, state] : running(endpoints)) {
    CHECK(state.committed_transaction == report.transaction);
    for (const auto& p : state.oper.ports) CHECK(p.oper->base_time == report.base_time);
  }
  // Installing the same plan again changes nothing a person should worry about.
  const auto again = southbound::install(plan(200'000), endpoints, quick());
  for (const auto& c : again.changes) CHECK_FALSE(c.changed);
}

TEST_CASE("install refuses, naming each switch, when clock health is missing", "[southbound][install]") {
  Plant3 plant;
  auto options = quick();
  options.allow_unsynchronised = false;
  try {
    southbound::install(plan(200'000), plant.endpoints(), options);
    FAIL("installed without clock health");
  } catch (const southbound::InstallError& e) {
    CHECK(e.failures().size() == 3);
    for (const char* b : {"sw1: no clock health", "sw2: no clock health", "sw3: no clock health"})
      CHECK_THAT(e.what(), Catch::Contains(b));
    CHECK_THAT(e.what(), Catch::Contains("nothing was changed"));
  }
  for (const auto& [bridge, state] : running(plant.endpoints())) {
    CHECK_FALSE(state.staged_transaction);
    CHECK(state.committed_transaction.empty());
  }
}

TEST_CASE(
    "an agent killed during staging leaves every bridge on its old schedule, the controller restores it "
    "after restart",
    "[southbound][install][controller]") {
  Plant3 plant;
  const auto endpoints = plant.endpoints();
  const auto old = plan(200'000);
  southbound::install(old, endpoints, quick());

  auto options = quick();
  options.progress = [&](const std::string& line) {
    if (line.starts_with("clock health checked")) plant.agent("sw2").kill();  // dies as staging begins
  };
  try {
    southbound::install(plan(600'000), endpoints, options);
    FAIL("installed with sw2 dead");
  } catch (const southbound::InstallError& e) {
    CHECK_THAT(e.what(), Catch::Contains("staging failed") && Catch::Contains("sw2 (https://127.0.0.1:"));
  }
  std::vector<southbound::AgentEndpoint> alive;
  for (const auto& e : endpoints)
    if (e.bridge != "sw2") alive.push_back(e);
  require_runs(alive, old);

  plant.agent("sw2").restart();
  telemetry::MetricsRegistry registry;
  controller::Reconciler reconciler({true, 150ms}, registry);
  reconciler.set_agents(endpoints);
  reconciler.set_desired(old);
  const auto round = reconciler.run_round();
  CHECK(round.converged);
  CHECK(round.repaired == std::vector<std::string>{"sw2"});
  require_runs(endpoints, old);
  // All three in the same phase: sw2's base time is another hyperperiod boundary.
  for (const auto& [bridge, state] : running(endpoints))
    for (const auto& p : state.oper.ports) CHECK(ns_of(p.oper->base_time) % 1'000'000 == 0);

  const auto quiet = reconciler.run_round();
  CHECK(quiet.converged);
  CHECK(quiet.repaired.empty());
  CHECK_THAT(registry.render(), Catch::Contains("takt_controller_repairs_total{bridge=\"sw2\"} 1"));
}

TEST_CASE("a commit refused by one bridge is reverted on the bridges that committed", "[southbound][install]") {
  Plant3 plant;
  const auto endpoints = plant.endpoints();
  const auto old = plan(200'000);
  southbound::install(old, endpoints, quick());
  // sw3 now insists on 60 s of lead: it accepts the stage and refuses the commit.
  plant.agent("sw3").restart(plant.tls_args({"--min-commit-lead-us", "60000000"}));
  const auto sw12 = plan(200'000, {"sw1", "sw2"});
  try {
    southbound::install(plan(600'000), endpoints, quick());
    FAIL("installed although sw3 refused the commit");
  } catch (const southbound::InstallError& e) {
    CHECK_THAT(e.what(), Catch::Contains("reverted on every bridge") && Catch::Contains("sw3 (https://127.0.0.1:") &&
                             Catch::Contains("409"));
  }
  require_runs(endpoints, sw12);
  for (const auto& [bridge, state] : running(endpoints)) {
    if (bridge == "sw3") {
      CHECK(state.committed_transaction.empty());  // restarted, refused: runs nothing
      CHECK_FALSE(state.staged_transaction);
    }
    for (const auto& p : state.oper.ports) CHECK(p.config_change_error == 0);
  }
}

TEST_CASE("an installer without a valid client certificate is refused and changes nothing", "[southbound][install]") {
  Plant3 plant;
  const auto old = plan(200'000);
  southbound::install(old, plant.endpoints(), quick());
  try {
    southbound::install(plan(600'000), plant.endpoints(false), quick());
    FAIL("installed without a client certificate");
  } catch (const southbound::InstallError& e) {
    CHECK_THAT(e.what(), Catch::Contains("403") && Catch::Contains("no client certificate was presented"));
  }
  require_runs(plant.endpoints(), old);
}
