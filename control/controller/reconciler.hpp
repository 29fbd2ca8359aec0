#pragma once
// One reconciliation round of takt-controller: ask every agent what it runs and how its clock
// is; raise or clear sync alarms; reinstall, all-or-nothing among themselves, on the bridges
// that drifted from the desired plant (an agent that restarted runs nothing, one somebody
// changed runs something else). Bridges that already run the plan are not touched: the base
// time is on a hyperperiod boundary, so a repaired bridge falls into the same phase as the rest.
// Nor are bridges whose clock is out of sync, or whose agent holds the gates open for a lost
// clock (--sync-loss open-gates): they wait until the clock is back. NETCONF bridges are read
// back with get-config and repaired the same way, in the same transaction as the agents.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/desired_plant.hpp"
#include "control/southbound/installer.hpp"
#include "control/southbound/netconf_session_pool.hpp"
#include "telemetry/metrics_registry.hpp"

namespace takt::controller {

struct ReconcileOptions {
  bool allow_unsynchronised = false;
  Nanos lead = std::chrono::milliseconds(500);
};

struct RoundResult {
  bool converged = false;             // every desired bridge reachable and running the plan
  std::vector<std::string> repaired;  // bridges reinstalled this round
  std::vector<std::string> unreachable;
  std::vector<std::string> alarms;   // bridges with a sync alarm raised
  std::vector<std::string> waiting;  // drifted, but not reinstalled while their clock is out of sync
  std::string install_error;         // why a repair failed, if it did
  std::string transaction;           // of the repair, if one succeeded
};

class Reconciler {
 public:
  Reconciler(ReconcileOptions options, telemetry::MetricsRegistry& registry);

  void set_desired(southbound::DesiredPlant desired);
  void set_agents(std::vector<southbound::AgentEndpoint> agents);
  const std::optional<southbound::DesiredPlant>& desired() const { return desired_; }

  RoundResult run_round();

 private:
  struct BridgeMemory {
    bool up = true;
    bool alarm = false;
    std::string last_drift;
  };

  // False (and the bridge counted unreachable) when `error` is set.
  bool answered(const std::string& bridge, const std::string& error, RoundResult& result);
  void judge_clock(const std::string& bridge, bool alarm, const std::string& reason, RoundResult& result);
  // Puts a drifted bridge into `repair`, or into result.waiting while its clock is not fit.
  void judge_drift(const std::string& bridge, const std::vector<std::string>& drift, bool alarm, bool gates_held_open,
                   bool unscheduled, RoundResult& result, southbound::DesiredPlant& repair);
  void observe_netconf(const southbound::DesiredPlant& desired, RoundResult& result, southbound::DesiredPlant& repair);

  ReconcileOptions options_;
  // One SSH session per NETCONF bridge, kept from round to round and lent to repairs.
  southbound::NetconfSessionPool netconf_sessions_;
  std::optional<southbound::DesiredPlant> desired_;
  std::vector<southbound::AgentEndpoint> agents_;
  std::map<std::string, BridgeMemory> memory_;
  std::string last_install_error_;

  telemetry::ShardedCounter& rounds_;
  telemetry::CounterFamily& installs_;
  telemetry::CounterFamily& repairs_;
  telemetry::CounterFamily& sync_losses_;
  telemetry::GaugeFamily& agent_up_;
  telemetry::GaugeFamily& sync_alarm_;
  telemetry::Gauge& converged_;
  telemetry::Gauge& desired_bridges_;
  telemetry::Gauge& last_install_seconds_;
};

}  // namespace takt::controller
