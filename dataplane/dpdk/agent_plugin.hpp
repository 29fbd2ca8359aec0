#pragma once
// The switch agent (dataplane/agent) inside takt-dataplane: its configuration API drives the
// gate engines the forwarder runs. A commit builds the next GateSchedule from the running one
// (802.1Qbv List Config on each port's engine) and publishes it through the RcuCell, exactly
// as a configuration reload does. Only gate parameters change this way; FDB and stream
// entries stay those the dataplane started with.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <CLI/CLI.hpp>

#include "dataplane/agent/agent_service.hpp"
#include "dataplane/config/bridge_config.hpp"
#include "dataplane/core/metrics_registry.hpp"
#include "dataplane/dpdk/gate_schedule.hpp"
#include "dataplane/dpdk/rcu_cell.hpp"
#include "dataplane/dpdk/tai_clock.hpp"

namespace takt::dpdk {

struct AgentOptions {
  std::uint16_t port = 0;  // 0: no agent
  std::string address = "127.0.0.1";
  std::string cert, key, ca;
  bool plain_http = false;
  std::string ptp_uds;
  int ptp_transport_specific = 0;
};

void add_agent_options(CLI::App& app, AgentOptions& options);

// agent::BridgeRuntime over the dataplane's published gate schedule.
class DataplaneRuntime final : public agent::BridgeRuntime {
 public:
  DataplaneRuntime(TaiClock& clock, RcuCell<GateSchedule>& schedule, bridge::BridgeConfig running);

  std::vector<agent::PortCapabilities> ports() const override;
  TaiTime now() const override;
  void apply(const bridge::BridgeConfig& config) override;
  agent::BridgeOperState oper_state() const override;

 private:
  TaiClock& clock_;
  RcuCell<GateSchedule>& schedule_;
  mutable std::mutex mutex_;
  bridge::BridgeConfig running_;
  GateSchedule last_;  // control-side copy of what was published last
};

// The agent's threads and state; nullptr when options.port is 0. Throws std::runtime_error
// (bad certificates, address in use) so the dataplane stops before forwarding.
class DataplaneAgent {
 public:
  DataplaneAgent(const AgentOptions& options, TaiClock& clock, RcuCell<GateSchedule>& schedule,
                 const bridge::BridgeConfig& config, const telemetry::MetricsRegistry& registry);
  std::uint16_t port() const { return service_->port(); }

 private:
  agent::ClockHealthSource health_;
  DataplaneRuntime runtime_;
  std::unique_ptr<agent::AgentService> service_;
};

std::unique_ptr<DataplaneAgent> start_agent(const AgentOptions& options, TaiClock& clock, RcuCell<GateSchedule>& schedule,
                                            const bridge::BridgeConfig& config, const telemetry::MetricsRegistry& registry);

}  // namespace takt::dpdk
