#pragma once
// The agent API's calls, typed (paths and bodies as dataplane/agent/agent_api.hpp documents).
#include <chrono>
#include <optional>
#include <string>

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "control/southbound/agent_client.hpp"
#include "protocol/bridge_oper_state.hpp"
#include "protocol/bridge_config.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

struct AgentHealth {
  bool has_clock_health = false;  // false: no ptp4l configured or it did not answer
  bool synchronised = false;      // assessment against the budget asked for
  std::string reason;             // the assessment's reason, or why there is no health
  nlohmann::json clock_health;    // as the agent reported it (ptp::ClockHealth JSON)
  // The agent's own sync watch: its bridge holds every gate open until its clock is back in
  // sync, then runs its committed schedule again by itself (--sync-loss open-gates).
  bool gates_held_open = false;
  TaiTime agent_time{};                              // the agent's TAI clock when it answered
  std::chrono::steady_clock::time_point received{};  // our clock then
};

struct RunningState {
  agent::BridgeOperState oper;
  std::string committed_transaction;  // empty: nothing committed since the agent started
  std::optional<bridge::BridgeConfig> committed;
  std::optional<std::string> staged_transaction;
};

boost::asio::awaitable<AgentHealth> read_health(AgentClient& client, Nanos sync_budget);
boost::asio::awaitable<RunningState> read_running(AgentClient& client);
boost::asio::awaitable<bool> stage(AgentClient& client, std::string transaction, const bridge::BridgeConfig& config);
boost::asio::awaitable<bool> commit(AgentClient& client, std::string transaction, TaiTime base_time);
// Returns the agent's outcome: "staged-dropped", "commit-reverted" or "nothing-to-abort".
boost::asio::awaitable<std::string> abort(AgentClient& client, std::string transaction);
// The agent's Prometheus text.
boost::asio::awaitable<std::string> read_metrics(AgentClient& client);

}  // namespace takt::southbound
