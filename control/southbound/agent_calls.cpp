#include "control/southbound/agent_calls.hpp"

#include <boost/beast/http/verb.hpp>
#include <fmt/format.h>

#include "protocol/sched_state_json.hpp"
#include "protocol/yang_values.hpp"
#include "protocol/bridge_config_json.hpp"

namespace takt::southbound {

namespace asio = boost::asio;
using boost::beast::http::verb;
using nlohmann::json;

asio::awaitable<AgentHealth> read_health(AgentClient& client, Nanos sync_budget) {
  const json j = co_await client.call(verb::get, fmt::format("/api/v1/health?sync-budget-ns={}", sync_budget.count()));
  AgentHealth h;
  h.received = std::chrono::steady_clock::now();
  try {
    h.agent_time = agent::ptp_time_from_json(j.at("current-time"), "/current-time");
  } catch (const std::exception& e) {
    throw AgentError(fmt::format("{}: /api/v1/health answered without a usable current-time: {}",
                                 client.endpoint().label(), e.what()));
  }
  h.has_clock_health = j.contains("clock-health") && !j["clock-health"].is_null();
  if (h.has_clock_health) {
    h.clock_health = j["clock-health"];
    const json& a = j.value("assessment", json::object());
    h.synchronised = a.value("ok", false);
    h.reason = a.value("reason", std::string("the agent sent no assessment"));
  } else {
    h.reason = j.value("reason", std::string("no clock health"));
  }
  // Agents from before the sync watch send no "sync".
  if (j.contains("sync") && j["sync"].is_object()) {
    const json& s = j["sync"];
    h.gates_held_open =
        s.contains("gates-held-open") && s["gates-held-open"].is_boolean() && s["gates-held-open"].get<bool>();
  }
  co_return h;
}

asio::awaitable<RunningState> read_running(AgentClient& client) {
  const json j = co_await client.call(verb::get, "/api/v1/bridge");
  RunningState s;
  try {
    s.oper = agent::bridge_oper_state_from_json(j);
    if (j.contains("committed") && j["committed"].is_object()) {
      s.committed_transaction = j["committed"].at("transaction").get<std::string>();
      s.committed = bridge::bridge_config_from_json(j["committed"].at("config"));
    }
    if (j.contains("staged") && j["staged"].is_object())
      s.staged_transaction = j["staged"].at("transaction").get<std::string>();
  } catch (const std::exception& e) {
    throw AgentError(
        fmt::format("{}: /api/v1/bridge is not what takt agents send: {}", client.endpoint().label(), e.what()));
  }
  co_return s;
}

asio::awaitable<bool> stage(AgentClient& client, std::string transaction, const bridge::BridgeConfig& config) {
  co_await client.call(verb::put, "/api/v1/staged?transaction=" + transaction, bridge::to_json(config).dump());
  co_return true;
}

asio::awaitable<bool> commit(AgentClient& client, std::string transaction, TaiTime base_time) {
  const json body{{"transaction", transaction}, {"base-time", agent::ptp_time_to_json(base_time)}};
  co_await client.call(verb::post, "/api/v1/commit", body.dump());
  co_return true;
}

asio::awaitable<std::string> abort(AgentClient& client, std::string transaction) {
  // Built before co_await: GCC 12 miscompiles initializer lists inside a co_await operand.
  std::string body = json{{"transaction", transaction}}.dump();
  const json j = co_await client.call(verb::post, "/api/v1/abort", std::move(body));
  std::string outcome = j.contains("outcome") && j["outcome"].is_string() ? j["outcome"].get<std::string>() : "unknown";
  co_return outcome;
}

asio::awaitable<std::string> read_metrics(AgentClient& client) {
  const AgentReply reply = co_await client.request(verb::get, "/metrics");
  if (reply.status != 200)
    throw AgentError(fmt::format("{}: GET /metrics -> {}", client.endpoint().label(), reply.status), reply.status);
  co_return reply.body;
}

}  // namespace takt::southbound
