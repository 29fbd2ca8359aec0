#pragma once
// The agent's view of the bridge it configures. takt-agent implements it with core gate
// engines driven by the host clock (no packet path); takt-dataplane implements it with the
// gate engines its TX loops run. The agent validates and sequences configurations; a
// runtime only applies them and reports what runs.
#include <vector>

#include "dataplane/core/time.hpp"
#include "protocol/bridge_config.hpp"
#include "protocol/bridge_oper_state.hpp"

namespace takt::agent {

class BridgeRuntime {
 public:
  virtual ~BridgeRuntime() = default;

  virtual std::vector<PortCapabilities> ports() const = 0;
  // The bridge's TAI time: what base times and config-change times are compared with.
  virtual TaiTime now() const = 0;
  // Installs the gate parameters of every port whose config-change is true, each with its own
  // admin-base-time; a port with gate-enabled false drops its schedule and holds
  // admin-gate-states. The config passed bridge::validate() and was checked against ports().
  // All or nothing: when it throws, every port still runs what it ran before.
  virtual void apply(const bridge::BridgeConfig& config) = 0;
  virtual BridgeOperState oper_state() const = 0;
  // The sync-loss fallback (sync_watch.hpp): while held, every gate of every port is open
  // whatever was committed, and apply() changes what will run afterwards, not what runs now.
  // Released, each port runs its committed list again from its own base time, so it rejoins the
  // plan's phase at its next cycle boundary. Throws when the runtime cannot; then nothing changed.
  virtual void hold_gates_open(bool hold) = 0;
};

}  // namespace takt::agent
