#pragma once
// The one writer of the gate schedule. Two sources publish schedules: a configuration reload
// (SIGHUP, on the control thread) and a switch agent commit (on the agent's threads). Each
// builds the next schedule from the one running, so they must take turns, and neither may read
// the RcuCell to find the running one: only the registered packet lcore is an RCU reader, and
// the other writer may free that value at any moment. Here every publication happens under one
// mutex, starting from a control-side copy of what was published last.
#include <cstdint>
#include <functional>
#include <mutex>

#include "protocol/bridge_config.hpp"
#include "dataplane/core/time.hpp"
#include "dataplane/dpdk/gate_schedule.hpp"
#include "dataplane/dpdk/rcu_cell.hpp"

namespace takt::dpdk {

class SchedulePublisher {
 public:
  // Publishes the schedule of `running` (the configuration takt-dataplane started with).
  SchedulePublisher(RcuCell<GateSchedule>& cell, bridge::BridgeConfig running, TaiTime now);

  // Makes edit(running configuration) the running configuration and publishes its schedule,
  // written at `now`. An exception from `edit` or from building the schedule leaves both as
  // they were. Returns the new schedule's generation.
  using Edit = std::function<bridge::BridgeConfig(const bridge::BridgeConfig& running)>;
  std::uint64_t publish(const Edit& edit, TaiTime now);

  // Copies of the running configuration and of the schedule published last, taken together.
  struct Running {
    bridge::BridgeConfig config;
    GateSchedule schedule;
  };
  Running running() const;

 private:
  RcuCell<GateSchedule>& cell_;
  mutable std::mutex mutex_;
  bridge::BridgeConfig config_;
  GateSchedule last_;
};

}  // namespace takt::dpdk
