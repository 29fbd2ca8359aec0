#include "dataplane/agent/agent_api.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "ptp/ptp_errors.hpp"
#include "protocol/bounded_json.hpp"
#include "protocol/bridge_config_json.hpp"
#include "dataplane/core/config_error.hpp"
#include "dataplane/agent/api_error.hpp"
#include "protocol/sched_state_json.hpp"
#include "protocol/yang_values.hpp"

namespace takt::agent {

namespace {

using nlohmann::json;

constexpr const char* kJsonType = "application/yang-data+json";

HttpResponse reply(const HttpRequest& request, unsigned status, std::string body, std::string_view content_type) {
  return make_reply(request, status, std::move(body), content_type, "takt-agent");
}

HttpResponse reply_json(const HttpRequest& request, unsigned status, const json& body) {
  return reply(request, status, body.dump(2) + "\n", kJsonType);
}

HttpResponse reply_error(const HttpRequest& request, unsigned status, const std::string& message) {
  return reply_json(request, status, {{"status", status}, {"error", message}});
}

// Transaction ids travel in URLs and logs: keep them to characters that need no escaping.
std::string checked_transaction(const std::string& id) {
  const bool ok = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) throw ApiError(400, fmt::format("transaction id \"{}\" must be 1-64 characters of A-Z a-z 0-9 . _ -", id));
  return id;
}

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key)
      return eq == std::string_view::npos ? std::string{} : std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

json parse_body(const HttpRequest& request) {
  try {
    return parse_bounded_json(request.body());
  } catch (const JsonLimitError& e) {
    throw ApiError(400, fmt::format("the body is refused: {}", e.what()));
  } catch (const json::parse_error& e) {
    throw ApiError(400, fmt::format("the body is not JSON: {}", e.what()));
  }
}

// A metrics label for the request's method: the methods HTTP defines for resources like ours,
// anything else "other", so made-up methods cannot grow /metrics without bound.
std::string method_label(http::verb verb) {
  switch (verb) {
    case http::verb::get:
    case http::verb::put:
    case http::verb::post:
    case http::verb::delete_:
    case http::verb::head:
    case http::verb::options:
    case http::verb::patch:
      return std::string(http::to_string(verb));
    default:
      return "other";
  }
}

std::string transaction_of(const json& body) {
  if (!body.is_object() || !body.contains("transaction") || !body["transaction"].is_string())
    throw ApiError(400, "the body needs \"transaction\": the id used when staging");
  return checked_transaction(body["transaction"].get<std::string>());
}

json committed_json(const CommittedConfig& c) {
  return {{"transaction", c.transaction},
          {"base-time", ptp_time_to_json(c.base_time)},
          {"committed-at", ptp_time_to_json(c.committed_at)},
          {"config", bridge::to_json(c.config)}};
}

}  // namespace

AgentApi::AgentApi(AgentApiOptions options, ConfigStore& store, BridgeRuntime& runtime, ClockHealthSource& health,
                   const telemetry::MetricsRegistry* host_metrics, const SyncWatch* sync)
    : options_(std::move(options)),
      store_(store),
      runtime_(runtime),
      health_(health),
      host_metrics_(host_metrics),
      sync_(sync),
      requests_(registry_.counter("takt_agent_requests_total", "HTTP requests the switch agent answered",
                                  {"method", "code"})),
      stages_(registry_.counter("takt_agent_stage_total", "Stage requests by result", {"result"})),
      commits_(registry_.counter("takt_agent_commits_total", "Commit requests by result", {"result"})),
      aborts_(registry_.counter("takt_agent_aborts_total", "Abort requests by outcome", {"outcome"})),
      config_pending_(registry_.gauge("takt_schedule_config_pending",
                                      "1 while a committed schedule waits for its config-change time", {"port"})),
      oper_cycle_(registry_.gauge("takt_schedule_oper_cycle_time_seconds",
                                  "Cycle time of the running gate control list (0: no schedule)", {"port"})),
      config_change_errors_(
          registry_.gauge("takt_schedule_config_change_errors", "802.1Q ConfigChangeError of the port", {"port"})),
      ptp_synchronised_(registry_.gauge(
          "takt_ptp_synchronised", "1 when ptp4l reports the clock within the sync budget, 0 otherwise or unknown")),
      ptp_offset_(registry_.gauge("takt_ptp_offset_from_master_seconds", "ptp4l TIME_STATUS_NP master_offset")),
      sync_state_(registry_.gauge("takt_agent_sync_in_sync",
                                  "1 while the agent's sync watch counts the clock in sync, 0 out of sync or unknown")),
      gates_held_open_(
          registry_.gauge("takt_agent_gates_held_open",
                          "1 while the sync-loss fallback holds every gate open (--sync-loss open-gates)")) {
  if (sync_) {
    registry_.counter("takt_agent_sync_losses_total", "Times the agent's sync watch found the clock out of sync")
        .with_callback({}, [sync] { return sync->report().losses; });
  }
}

HttpResponse AgentApi::handle(const HttpRequest& request, const PeerIdentity& peer) {
  HttpResponse response;
  try {
    response = route(request, peer);
  } catch (const ApiError& e) {
    response = reply_error(request, e.status(), e.what());
  } catch (const BodyError& e) {
    response = reply_error(request, 400, e.what());
  } catch (const std::exception& e) {
    response = reply_error(request, 500, fmt::format("internal error: {}", e.what()));
  }
  requests_.with({method_label(request.method()), std::to_string(response.result_int())}).add(0);
  return response;
}

HttpResponse AgentApi::route(const HttpRequest& request, const PeerIdentity& peer) {
  const std::string_view target(request.target().data(), request.target().size());
  const auto q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  const http::verb verb = request.method();
  const bool write = verb == http::verb::put || verb == http::verb::post || verb == http::verb::delete_;

  if (write && peer.tls && !peer.certificate_verified)
    throw ApiError(403, fmt::format("writes need a client certificate signed by this agent's CA ({}); make one with "
                                    "scripts/pki.sh DIR --client NAME",
                                    peer.problem.empty() ? "none was presented" : peer.problem));

  auto only = [&](std::initializer_list<http::verb> allowed) {
    if (std::find(allowed.begin(), allowed.end(), verb) == allowed.end())
      throw ApiError(405, fmt::format("{} is not allowed on {}", std::string(request.method_string()), path));
  };
  if (path == "/api/v1/bridge") {
    only({http::verb::get});
    return get_bridge(request);
  }
  if (path == "/api/v1/staged") {
    only({http::verb::get, http::verb::put});
    if (verb == http::verb::get) return get_staged(request);
    return put_staged(request, checked_transaction(query_value(query, "transaction")));
  }
  if (path == "/api/v1/commit") {
    only({http::verb::post});
    return post_commit(request);
  }
  if (path == "/api/v1/abort") {
    only({http::verb::post});
    return post_abort(request);
  }
  if (path == "/api/v1/health") {
    only({http::verb::get});
    return get_health(request, query_value(query, "sync-budget-ns"));
  }
  if (path == "/metrics") {
    only({http::verb::get});
    return get_metrics(request);
  }
  throw ApiError(404, fmt::format("no resource {}; see /api/v1/bridge, /api/v1/staged, /api/v1/commit, "
                                  "/api/v1/abort, /api/v1/health, /metrics",
                                  path));
}

HttpResponse AgentApi::get_bridge(const HttpRequest& request) {
  json body = to_json(runtime_.oper_state());
  body["bridge"] = options_.bridge;
  const auto committed = store_.committed();
  body["committed"] = committed ? committed_json(*committed) : json(nullptr);
  const auto staged = store_.staged();
  body["staged"] = staged
                       ? json{{"transaction", staged->transaction}, {"staged-at", ptp_time_to_json(staged->staged_at)}}
                       : json(nullptr);
  return reply_json(request, 200, body);
}

HttpResponse AgentApi::get_staged(const HttpRequest& request) {
  const auto staged = store_.staged();
  if (!staged) throw ApiError(404, "nothing is staged");
  return reply_json(request, 200, {{"transaction", staged->transaction}, {"config", bridge::to_json(staged->config)}});
}

HttpResponse AgentApi::put_staged(const HttpRequest& request, const std::string& transaction) {
  try {
    bridge::BridgeConfig config;
    try {
      config = bridge::bridge_config_from_json(parse_body(request));
    } catch (const ConfigError& e) {
      throw ApiError(400, fmt::format("the bridge configuration is refused, nothing was staged: {}", e.what()));
    }
    if (config.bridge != options_.bridge)
      throw ApiError(400,
                     fmt::format("the config is for bridge \"{}\", this is \"{}\"", config.bridge, options_.bridge));
    const std::size_t ports = config.ports.size();
    store_.stage(transaction, std::move(config));
    stages_.with({"accepted"}).add(0);
    return reply_json(request, 200, {{"transaction", transaction}, {"staged", true}, {"ports", ports}});
  } catch (...) {
    stages_.with({"refused"}).add(0);
    throw;
  }
}

HttpResponse AgentApi::post_commit(const HttpRequest& request) {
  try {
    const json body = parse_body(request);
    const std::string transaction = transaction_of(body);
    if (!body.contains("base-time"))
      throw ApiError(400, "the body needs \"base-time\": {\"seconds\", \"nanoseconds\"} (TAI)");
    const TaiTime base = ptp_time_from_json(body["base-time"], "/base-time");
    const Nanos ahead = base - runtime_.now();
    if (ahead > options_.max_base_time_ahead)
      throw ApiError(
          400, fmt::format("base time {} ns is {} from now; this agent accepts base times at most {} ahead "
                           "(--max-base-time-ahead-s)",
                           ns_of(base), readable_duration(ahead), readable_duration(options_.max_base_time_ahead)));
    const CommittedConfig c = store_.commit(transaction, base);
    commits_.with({"committed"}).add(0);
    return reply_json(request, 200, committed_json(c));
  } catch (...) {
    commits_.with({"refused"}).add(0);
    throw;
  }
}

HttpResponse AgentApi::post_abort(const HttpRequest& request) {
  const std::string transaction = transaction_of(parse_body(request));
  const AbortOutcome outcome = store_.abort(transaction);
  aborts_.with({to_string(outcome)}).add(0);
  return reply_json(request, 200, {{"transaction", transaction}, {"outcome", to_string(outcome)}});
}

HttpResponse AgentApi::get_health(const HttpRequest& request, const std::string& budget_text) {
  // The installer judges with its plan's sync budget; without one the agent's own applies.
  const Nanos budget = budget_text.empty() ? options_.sync_budget
                                           : Nanos{static_cast<std::int64_t>(unsigned_from_json(
                                                 json(budget_text), "sync-budget-ns", 1'000'000'000'000ULL))};
  json body{{"bridge", options_.bridge},
            {"current-time", ptp_time_to_json(runtime_.now())},
            {"sync-budget-ns", budget.count()}};
  if (!health_.configured()) {
    body["clock-health"] = nullptr;
    body["reason"] = "no clock health: this agent was started without a ptp4l socket (--ptp-uds)";
    return reply_json(request, 200, body);
  }
  try {
    const ptp::ClockHealth health = health_.read();
    body["clock-health"] = health;
    body["assessment"] = ptp::assess(health, budget);
  } catch (const std::exception& e) {
    body["clock-health"] = nullptr;
    body["reason"] = fmt::format("ptp4l did not answer: {}", e.what());
  }
  if (sync_) {
    const SyncReport r = sync_->report();
    body["sync"] = {
        {"state", to_string(r.state)},     {"since-ms", r.state_for.count() / 1'000'000}, {"reason", r.reason},
        {"on-loss", to_string(r.on_loss)}, {"gates-held-open", r.gates_held_open},        {"losses", r.losses}};
  }
  return reply_json(request, 200, body);
}

void AgentApi::refresh_gauges() {
  for (const auto& port : runtime_.oper_state().ports) {
    config_pending_.with({port.port}).set(port.config_pending ? 1 : 0);
    oper_cycle_.with({port.port}).set(port.oper ? static_cast<double>(port.oper->cycle_time.count()) / 1e9 : 0.0);
    config_change_errors_.with({port.port}).set(static_cast<double>(port.config_change_error));
  }
  if (sync_) {
    const SyncReport r = sync_->report();
    sync_state_.with({}).set(r.state == SyncState::in_sync ? 1 : 0);
    gates_held_open_.with({}).set(r.gates_held_open ? 1 : 0);
  }
  if (!health_.configured()) return;
  try {
    const ptp::ClockHealth health = health_.read();
    ptp_synchronised_.with({}).set(ptp::assess(health, options_.sync_budget).ok ? 1 : 0);
    ptp_offset_.with({}).set(static_cast<double>(health.offset_from_master.count()) / 1e9);
  } catch (const std::exception&) {
    ptp_synchronised_.with({}).set(0);
  }
}

HttpResponse AgentApi::get_metrics(const HttpRequest& request) {
  refresh_gauges();
  std::string text = registry_.render();
  if (host_metrics_) host_metrics_->render(text);
  return reply(request, 200, std::move(text), telemetry::prometheus_content_type);
}

}  // namespace takt::agent
