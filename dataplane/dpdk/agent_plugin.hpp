#pragma once
// The switch agent (dataplane/agent) inside takt-dataplane: its configuration API drives the
// gate engines the forwarder runs. A commit builds the next GateSchedule from the running one
// (802.1Qbv List Config on each port's engine) and publishes it through the SchedulePublisher,
// taking turns with configuration reloads. Only gate parameters change this way; FDB and
// stream entries stay those the dataplane started with.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "dataplane/agent/agent_service.hpp"
#include "protocol/bridge_config.hpp"
#include "telemetry/metrics_registry.hpp"
#include "dataplane/dpdk/schedule_publisher.hpp"
#include "dataplane/dpdk/tsc_tai_clock.hpp"

namespace takt::dpdk {

struct AgentOptions {
  std::uint16_t port = 0;  // 0: no agent
  std::string address = "127.0.0.1";
  std::string cert, key, ca;
  bool plain_http = false;
  std::string ptp_uds;
  int ptp_transport_specific = 0;
  // Bounds on what reaches the agent (see agent::ServerOptions and AgentApiOptions).
  std::size_t max_connections = 64;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::int64_t max_base_time_ahead_s = 3600;
  // The clock counts as out of sync beyond this offset from its master (or when ptp4l does not
  // answer); then --sync-loss says what the bridge does (agent::SyncWatch).
  std::int64_t sync_budget_ns = 1000;
  agent::SyncLossAction sync_loss = agent::SyncLossAction::keep;
};

void add_agent_options(CLI::App& app, AgentOptions& options);

// TAI - UTC for the dataplane's clock mapping: with --ptp-uds, ptp4l's currentUtcOffset when
// ptp4l marks it valid; otherwise, or when ptp4l does not answer, `fallback` (--utc-offset).
// Read once at start, before the TSC is first fitted; a later change of the offset (a leap
// second) takes effect when takt-dataplane restarts.
int utc_offset_seconds(const AgentOptions& options, int fallback);

// agent::BridgeRuntime over the dataplane's published gate schedule. Holding the gates open
// (sync-loss fallback) publishes a schedule with every gate open and keeps each port's gate
// table aside; agent commits meanwhile update what was kept, and releasing publishes it again,
// every port with config-change, so each list restarts from its own base time at its next cycle
// boundary. A SIGHUP reload while the gates are held publishes the file's schedule at once (an
// operator's explicit act); releasing then puts the kept tables back.
class DataplaneRuntime final : public agent::BridgeRuntime {
 public:
  DataplaneRuntime(TscTaiClock& clock, SchedulePublisher& schedule);

  std::vector<agent::PortCapabilities> ports() const override;
  TaiTime now() const override;
  void apply(const bridge::BridgeConfig& config) override;
  agent::BridgeOperState oper_state() const override;
  void hold_gates_open(bool hold) override;

 private:
  TscTaiClock& clock_;
  SchedulePublisher& schedule_;
  std::mutex mutex_;  // apply() and hold_gates_open() take turns over held_
  // While the gates are held open: each port's gate table to run afterwards, by port index.
  std::optional<std::vector<bridge::GateParameterTable>> held_;
  bridge::StreamProtection held_protection_;  // while held_: the stream gates to restore
};

// The agent's threads and state; nullptr when options.port is 0. Throws std::runtime_error
// (bad certificates, address in use) so the dataplane stops before forwarding.
class DataplaneAgent {
 public:
  DataplaneAgent(const AgentOptions& options, TscTaiClock& clock, SchedulePublisher& schedule,
                 const bridge::BridgeConfig& config, const telemetry::MetricsRegistry& registry);
  std::uint16_t port() const { return service_->port(); }

 private:
  agent::ClockHealthSource health_;
  DataplaneRuntime runtime_;  // before service_: the service's threads use it until they stop
  std::unique_ptr<agent::AgentService> service_;
};

std::unique_ptr<DataplaneAgent> start_agent(const AgentOptions& options, TscTaiClock& clock,
                                            SchedulePublisher& schedule, const bridge::BridgeConfig& config,
                                            const telemetry::MetricsRegistry& registry);

}  // namespace takt::dpdk
