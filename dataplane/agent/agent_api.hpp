#pragma once
// The agent's HTTP API as a pure function from request (and who sent it) to response, so it
// is tested without sockets. Bodies are RFC 7951 JSON (application/yang-data+json).
//
//   GET  /api/v1/bridge            running state: per port the gate-parameter-table with
//                                  admin and oper leaves (sched_state_json.hpp), plus the
//                                  committed and staged transactions
//   GET  /api/v1/staged            the staged takt-bridge/1 config, 404 when none
//   PUT  /api/v1/staged?transaction=ID   stage a takt-bridge/1 config (validated completely;
//                                  400 with the JSON path of the problem, nothing changes)
//   POST /api/v1/commit            {"transaction": ID, "base-time": {"seconds","nanoseconds"}}
//   POST /api/v1/abort             {"transaction": ID}: drop staged / revert a commit not yet oper
//   GET  /api/v1/health[?sync-budget-ns=N]  clock health from ptp4l and its assessment against
//                                  the budget (the agent's own by default), or "no clock health";
//                                  "sync": the agent's own verdict over time and its sync-loss
//                                  fallback (state, since-ms, on-loss, gates-held-open, losses)
//   GET  /metrics                  Prometheus text
//
// Writes (PUT, POST) need a client certificate the agent's CA signed when the agent serves
// TLS: otherwise 403 and why. Reads are open, so Prometheus can scrape without a certificate.
#include <chrono>
#include <string>

#include <boost/beast/http.hpp>

#include "dataplane/agent/bridge_runtime.hpp"
#include "dataplane/agent/clock_health_source.hpp"
#include "dataplane/agent/config_store.hpp"
#include "dataplane/agent/request_handler.hpp"
#include "dataplane/agent/sync_watch.hpp"
#include "telemetry/metrics_registry.hpp"

namespace takt::agent {

struct AgentApiOptions {
  std::string bridge;                                // name in responses and metrics
  Nanos sync_budget = std::chrono::microseconds(1);  // for the agent's own sync alarm metric
  // A commit whose base time is further ahead than this is refused with 400: it would pend
  // (and hold the bridge's next schedule) for that long.
  Nanos max_base_time_ahead = std::chrono::hours(1);
};

class AgentApi final : public RequestHandler {
 public:
  // host_metrics: the registry of the process the agent lives in (takt-dataplane's counters
  // and histograms), rendered after the agent's own families; may be null. The agent keeps
  // its own registry so it never writes into a writer slot a forwarding core owns.
  AgentApi(AgentApiOptions options, ConfigStore& store, BridgeRuntime& runtime, ClockHealthSource& health,
           const telemetry::MetricsRegistry* host_metrics = nullptr, const SyncWatch* sync = nullptr);

  HttpResponse handle(const HttpRequest& request, const PeerIdentity& peer) override;

 private:
  HttpResponse route(const HttpRequest& request, const PeerIdentity& peer);
  HttpResponse get_bridge(const HttpRequest& request);
  HttpResponse get_staged(const HttpRequest& request);
  HttpResponse put_staged(const HttpRequest& request, const std::string& transaction);
  HttpResponse post_commit(const HttpRequest& request);
  HttpResponse post_abort(const HttpRequest& request);
  HttpResponse get_health(const HttpRequest& request, const std::string& budget_text);
  HttpResponse get_metrics(const HttpRequest& request);
  void refresh_gauges();

  AgentApiOptions options_;
  ConfigStore& store_;
  BridgeRuntime& runtime_;
  ClockHealthSource& health_;
  const telemetry::MetricsRegistry* host_metrics_;
  const SyncWatch* sync_;
  telemetry::MetricsRegistry registry_;
  telemetry::CounterFamily& requests_;
  telemetry::CounterFamily& stages_;
  telemetry::CounterFamily& commits_;
  telemetry::CounterFamily& aborts_;
  telemetry::GaugeFamily& config_pending_;
  telemetry::GaugeFamily& oper_cycle_;
  telemetry::GaugeFamily& config_change_errors_;
  telemetry::GaugeFamily& ptp_synchronised_;
  telemetry::GaugeFamily& ptp_offset_;
  telemetry::GaugeFamily& sync_state_;
  telemetry::GaugeFamily& gates_held_open_;
};

}  // namespace takt::agent
