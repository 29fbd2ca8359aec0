#include "dataplane/agent/agent_service.hpp"

namespace takt::agent {

namespace {
// Without a ptp4l socket there is no sync to lose: no watch.
std::unique_ptr<SyncWatch> make_sync_watch(const AgentServiceOptions& options, BridgeRuntime& runtime,
                                           ClockHealthSource& health) {
  if (!health.configured()) return nullptr;
  SyncWatchOptions s = options.sync;
  s.bridge = options.api.bridge;
  return std::make_unique<SyncWatch>(
      s, runtime, [&health, budget = options.api.sync_budget] { return ptp::assess(health.read(), budget); });
}
}  // namespace

AgentService::AgentService(AgentServiceOptions options, BridgeRuntime& runtime, ClockHealthSource& health,
                           const telemetry::MetricsRegistry* host_metrics)
    : store_(runtime, options.store),
      sync_(make_sync_watch(options, runtime, health)),
      api_(options.api, store_, runtime, health, host_metrics, sync_.get()),
      server_(std::make_unique<AgentServer>(io_, options.server, api_)) {}
AgentService::~AgentService() { stop(); }

void AgentService::start() {
  if (thread_.joinable()) return;
  server_->start();
  if (sync_) sync_->start();
  thread_ = std::thread([this] { io_.run(); });
}

void AgentService::stop() {
  if (sync_) sync_->stop();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace takt::agent
