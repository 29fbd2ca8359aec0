#include "dataplane/agent/agent_service.hpp"

namespace takt::agent {

AgentService::AgentService(AgentServiceOptions options, BridgeRuntime& runtime, ClockHealthSource& health,
                           const telemetry::MetricsRegistry* host_metrics)
    : store_(runtime, options.store),
      api_(options.api, store_, runtime, health, host_metrics),
      server_(std::make_unique<AgentServer>(io_, options.server, api_)) {}

AgentService::~AgentService() { stop(); }

void AgentService::start() {
  if (thread_.joinable()) return;
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
}

void AgentService::stop() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace takt::agent
