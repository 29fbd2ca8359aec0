#pragma once
// Everything a process needs to serve the agent API for its bridge, on a thread of its own:
// configuration store, API, HTTP(S) server. takt-agent and takt-dataplane both embed it and
// differ only in the BridgeRuntime they pass.
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "dataplane/agent/agent_api.hpp"
#include "dataplane/agent/agent_server.hpp"
#include "dataplane/agent/bridge_runtime.hpp"
#include "dataplane/agent/clock_health_source.hpp"
#include "dataplane/agent/config_store.hpp"
#include "dataplane/agent/sync_watch.hpp"

namespace takt::agent {

struct AgentServiceOptions {
  AgentApiOptions api;
  ServerOptions server;
  StoreOptions store;
  // The sync-loss watch (its bridge name is api.bridge); runs only when the clock health
  // source is configured (a ptp4l socket), since without one there is no sync to lose.
  SyncWatchOptions sync;
};

class AgentService {
 public:
  // Binds the listening socket (throws std::runtime_error saying what to fix); serves nothing
  // until start(). runtime, health and host_metrics must outlive the service.
  AgentService(AgentServiceOptions options, BridgeRuntime& runtime, ClockHealthSource& health,
               const telemetry::MetricsRegistry* host_metrics = nullptr);
  ~AgentService();  // stops and joins
  AgentService(const AgentService&) = delete;
  AgentService& operator=(const AgentService&) = delete;

  void start();
  void stop();
  std::uint16_t port() const { return server_->port(); }
  ConfigStore& store() { return store_; }
  // nullptr without a clock health source.
  const SyncWatch* sync_watch() const { return sync_.get(); }

 private:
  boost::asio::io_context io_;
  ConfigStore store_;
  std::unique_ptr<SyncWatch> sync_;
  AgentApi api_;
  std::unique_ptr<AgentServer> server_;
  std::thread thread_;
};

}  // namespace takt::agent
