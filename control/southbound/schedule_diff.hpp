#pragma once
// Comparing schedules for people and for the reconciler: what a port runs versus what it
// should run, and one desired plant versus another.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/bridge_oper_state.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::southbound {

// The schedule a port is headed for: the pending admin list while a change is pending, else
// the oper list; nullopt when gates are disabled (all open).
std::optional<GateControlList> effective_schedule(const agent::PortOperState& port);
// The schedule a desired configuration gives a port; nullopt when gate-enabled is false.
std::optional<GateControlList> desired_schedule(const bridge::BridgePort& port);

// "3 entries, cycle 1 ms, extension 0 ns" or "no schedule (gates open)".
std::string describe(const std::optional<GateControlList>& schedule);

// Same list, cycle and extension, and the same phase: base time on a cycle boundary of the
// TAI epoch, where the plan aligned every cycle.
bool same_schedule(const std::optional<GateControlList>& running, const std::optional<GateControlList>& desired);

struct PortChange {
  std::string bridge;
  std::string port;
  std::string before;
  std::string after;
  bool changed = false;
};

// Per port of `desired`: what it ran before and what it runs now.
std::vector<PortChange> changes(const std::string& bridge, const agent::BridgeOperState& before,
                                const bridge::BridgeConfig& desired);

// Why the bridge does not run `desired` (one line per port that differs, or that the bridge
// lacks); empty when it does.
std::vector<std::string> drift(const agent::BridgeOperState& running, const bridge::BridgeConfig& desired);

// Lines describing how `after` differs from `before`, per bridge and port; empty when equal.
std::vector<std::string> plan_diff(const std::map<std::string, bridge::BridgeConfig>& before,
                                   const std::map<std::string, bridge::BridgeConfig>& after);

}  // namespace takt::southbound
