// taktctl status --agents agents.yaml: what every bridge runs, how its clock is, how many
// frames missed their deadline and what its 802.1Qci stream filters discarded and its 802.1CB
// recoveries eliminated and lost, asked from each agent at once. NETCONF bridges (netconf://
// entries) are asked with <get>: each port's gate table as the switch holds it, and its oper
// state where the server reports one.
#include <algorithm>
#include <future>
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "control/cli/commands.hpp"
#include "control/cli/json_output.hpp"
#include "control/southbound/agent_calls.hpp"
#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/deadline_misses.hpp"
#include "control/southbound/netconf_port_state.hpp"
#include "control/southbound/netconf_session.hpp"
#include "control/southbound/parallel.hpp"
#include "control/southbound/protection_counters.hpp"
#include "control/southbound/remote_clock.hpp"
#include "control/southbound/schedule_diff.hpp"

namespace takt::cli {
namespace {

struct StatusOptions {
  std::string agents;
  std::vector<std::string> bridges;
  std::int64_t sync_budget_ns = 1000;
  std::string format = "text";
};

struct BridgeStatus {
  southbound::AgentHealth health;
  southbound::RunningState running;
  std::optional<std::uint64_t> deadline_misses;
  std::optional<southbound::ProtectionCounters> protection;
};

std::string gates_text(std::uint8_t g) { return fmt::format("0x{:02x}", g); }

struct NetconfStatus {
  std::string error;
  southbound::RemoteClock clock;
  std::string models;  // "ieee802-dot1q-sched-bridge 2024-..."
  std::vector<southbound::NetconfPortState> ports;
};

NetconfStatus read_netconf(const southbound::AgentEndpoint& endpoint, Nanos budget) {
  NetconfStatus s;
  s.clock = southbound::read_remote_clock(endpoint, budget);
  try {
    const auto session = southbound::NetconfSession::connect(endpoint);
    const auto revision = session->implemented("ieee802-dot1q-sched-bridge");
    s.models = revision ? "ieee802-dot1q-sched-bridge " + *revision : "no ieee802-dot1q-sched-bridge model";
    s.ports = southbound::netconf_port_states(session->get(southbound::kInterfacesFilter));
  } catch (const std::exception& e) {
    s.error = e.what();
  }
  return s;
}

std::string pending_text(const std::optional<bool>& pending) {
  if (!pending) return "";
  return *pending ? "; config change pending" : "";
}

// False when the bridge could not be read.
bool show_netconf(const southbound::AgentEndpoint& endpoint, const NetconfStatus& s, bool text, nlohmann::json& all) {
  if (!s.error.empty()) {
    if (text)
      std::cout << fmt::format("{}\n  unreachable: {}\n", endpoint.label(), s.error);
    else
      all.push_back({{"bridge", endpoint.bridge}, {"url", endpoint.url}, {"error", s.error}});
    return false;
  }
  const bool any_oper = std::any_of(s.ports.begin(), s.ports.end(), [](const auto& p) { return p.oper.has_value(); });
  if (text) {
    std::cout << fmt::format("{}\n  NETCONF, {}\n  clock: {}{}\n", endpoint.label(), s.models,
                             s.clock.read ? (s.clock.synchronised ? "synchronised: " : "UNSYNCHRONISED: ") : "",
                             s.clock.reason);
    if (s.ports.empty()) std::cout << "  no port has a gate table\n";
    for (const auto& p : s.ports) {
      std::cout << fmt::format("  {}: gates {}, admin {}", p.port,
                               !p.gate_enabled   ? "enabled unknown"
                               : *p.gate_enabled ? "enabled"
                                                 : "disabled",
                               p.admin ? southbound::describe(*p.admin) : "none");
      if (p.oper) std::cout << fmt::format("; oper {}", southbound::describe(*p.oper));
      std::cout << pending_text(p.config_pending) << "\n";
    }
    if (!any_oper && !s.ports.empty()) std::cout << "  oper state: not reported by this server (admin values shown)\n";
    return true;
  }
  nlohmann::json ports = nlohmann::json::array();
  auto list_json = [](const std::optional<southbound::NetconfGateList>& l) -> nlohmann::json {
    if (!l) return nullptr;
    return {{"entries", l->entries},
            {"cycle-ns", l->cycle_ns ? nlohmann::json(*l->cycle_ns) : nlohmann::json(nullptr)},
            {"base-time-ns", l->base_time_ns ? nlohmann::json(*l->base_time_ns) : nlohmann::json(nullptr)}};
  };
  for (const auto& p : s.ports)
    ports.push_back(
        {{"port", p.port},
         {"gate-enabled", p.gate_enabled ? nlohmann::json(*p.gate_enabled) : nlohmann::json(nullptr)},
         {"admin", list_json(p.admin)},
         {"oper", list_json(p.oper)},
         {"config-pending", p.config_pending ? nlohmann::json(*p.config_pending) : nlohmann::json(nullptr)}});
  all.push_back({{"bridge", endpoint.bridge},
                 {"url", endpoint.url},
                 {"protocol", "netconf"},
                 {"models", s.models},
                 {"clock", s.clock.reason},
                 {"synchronised", s.clock.read ? nlohmann::json(s.clock.synchronised) : nlohmann::json(nullptr)},
                 {"ports", ports}});
  return true;
}

int run(const StatusOptions& o) {
  const bool text = o.format == "text";
  std::vector<southbound::AgentEndpoint> agents;
  try {
    agents = southbound::load_agents_file(o.agents);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  if (!o.bridges.empty())
    std::erase_if(agents, [&](const auto& a) {
      return std::find(o.bridges.begin(), o.bridges.end(), a.bridge) == o.bridges.end();
    });
  std::vector<southbound::AgentEndpoint> netconf;
  for (auto it = agents.begin(); it != agents.end();)
    if (it->protocol == southbound::BridgeProtocol::netconf) {
      netconf.push_back(std::move(*it));
      it = agents.erase(it);
    } else {
      ++it;
    }
  // NETCONF blocks: each bridge on a thread of its own, beside the agents' coroutines.
  std::vector<std::future<NetconfStatus>> netconf_pending;
  for (const auto& e : netconf)
    netconf_pending.push_back(std::async(std::launch::async, read_netconf, e, Nanos{o.sync_budget_ns}));

  boost::asio::io_context io;
  std::vector<std::unique_ptr<southbound::AgentClient>> owned;
  std::vector<southbound::AgentClient*> clients;
  try {
    for (const auto& a : agents) {
      owned.push_back(std::make_unique<southbound::AgentClient>(io, a));
      clients.push_back(owned.back().get());
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  const Nanos budget{o.sync_budget_ns};
  const auto out = southbound::on_all<BridgeStatus>(
      io, clients, [budget](southbound::AgentClient& c) -> boost::asio::awaitable<BridgeStatus> {
        BridgeStatus s;
        s.health = co_await southbound::read_health(c, budget);
        s.running = co_await southbound::read_running(c);
        const std::string metrics = co_await southbound::read_metrics(c);
        s.deadline_misses = southbound::deadline_misses(metrics);
        s.protection = southbound::protection_counters(metrics);
        co_return s;
      });

  int rc = 0;
  nlohmann::json all = nlohmann::json::array();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& endpoint = clients[i]->endpoint();
    if (!out[i].ok()) {
      rc = 3;
      if (text)
        std::cout << fmt::format("{}\n  unreachable: {}\n", endpoint.label(), out[i].error);
      else
        all.push_back({{"bridge", endpoint.bridge}, {"url", endpoint.url}, {"error", out[i].error}});
      continue;
    }
    const BridgeStatus& s = *out[i].value;
    const std::string clock = !s.health.has_clock_health ? s.health.reason
                              : s.health.synchronised    ? "synchronised: " + s.health.reason
                                                         : "UNSYNCHRONISED: " + s.health.reason;
    if (text) {
      std::cout << fmt::format("{}\n  clock: {}\n", endpoint.label(), clock);
      std::cout << fmt::format(
          "  transaction: {}{}\n",
          s.running.committed_transaction.empty() ? "none since the agent started" : s.running.committed_transaction,
          s.running.staged_transaction ? fmt::format(" (staged: {})", *s.running.staged_transaction) : "");
      for (const auto& p : s.running.oper.ports) {
        std::cout << fmt::format("  {}: {}, gates now {}", p.port,
                                 southbound::describe(p.gate_enabled ? p.oper : std::nullopt),
                                 gates_text(p.oper_gate_states));
        if (p.oper) std::cout << fmt::format(", base time {} ns", ns_of(p.oper->base_time));
        if (p.config_pending && p.admin)
          std::cout << fmt::format("; pending {} at {} ns", southbound::describe(p.admin), ns_of(p.config_change_time));
        if (p.config_change_error) std::cout << fmt::format("; config-change-error {}", p.config_change_error);
        std::cout << "\n";
      }
      std::cout << fmt::format("  deadline misses: {}\n",
                               s.deadline_misses ? std::to_string(*s.deadline_misses) : "not measured by this agent");
      std::cout << (s.protection ? southbound::protection_text(*s.protection)
                                 : "  psfp, frer: no counters (no protection configured, or no packet path)\n");
    } else {
      nlohmann::json ports = nlohmann::json::array();
      for (const auto& p : s.running.oper.ports)
        ports.push_back({{"port", p.port},
                         {"oper", southbound::describe(p.gate_enabled ? p.oper : std::nullopt)},
                         {"oper-gate-states", p.oper_gate_states},
                         {"config-pending", p.config_pending},
                         {"config-change-error", p.config_change_error}});
      all.push_back(
          {{"bridge", endpoint.bridge},
           {"url", endpoint.url},
           {"clock", clock},
           {"synchronised", s.health.synchronised},
           {"clock-health", s.health.clock_health},
           {"transaction", s.running.committed_transaction},
           {"ports", ports},
           {"deadline-misses", s.deadline_misses ? nlohmann::json(*s.deadline_misses) : nlohmann::json(nullptr)},
           {"protection", s.protection ? southbound::protection_json(*s.protection) : nlohmann::json(nullptr)}});
    }
  }
  for (std::size_t i = 0; i < netconf.size(); ++i)
    if (!show_netconf(netconf[i], netconf_pending[i].get(), text, all)) rc = 3;
  if (!text) std::cout << json_text(all);
  return rc;
}

}  // namespace

void add_status_command(CLI::App& app, ExitCode& exit_code) {
  auto opts = std::make_shared<StatusOptions>();
  auto* cmd = app.add_subcommand(
      "status",
      "Each bridge's oper schedule, clock health, deadline misses and what its stream filters (802.1Qci) discarded "
      "and its FRER recoveries (802.1CB) eliminated and lost. Exit 3 if an agent is unreachable");
  cmd->add_option("--agents", opts->agents, "agents.yaml: bridge name -> agent URL and certificates")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--bridge", opts->bridges, "Only these bridges");
  cmd->add_option("--sync-budget-ns", opts->sync_budget_ns, "Offset from master judged synchronised")
      ->capture_default_str();
  cmd->add_option("--format", opts->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code.value = run(*opts); });
}

}  // namespace takt::cli
