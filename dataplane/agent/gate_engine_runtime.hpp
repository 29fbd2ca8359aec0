#pragma once
// A BridgeRuntime made of dataplane/core gate engines and a clock: the gate logic of a switch
// without its packet path. takt-agent runs it so installers and controllers can be tested end
// to end without DPDK; the oper state it reports is what a dataplane with the same engines
// would execute.
#include <functional>
#include <map>
#include <mutex>

#include "dataplane/agent/bridge_runtime.hpp"
#include "dataplane/core/gate_engine.hpp"

namespace takt::agent {

class GateEngineRuntime final : public BridgeRuntime {
 public:
  using Clock = std::function<TaiTime()>;
  GateEngineRuntime(std::vector<PortCapabilities> ports, Clock clock);

  std::vector<PortCapabilities> ports() const override { return capabilities_; }
  TaiTime now() const override { return clock_(); }
  void apply(const bridge::BridgeConfig& config) override;
  BridgeOperState oper_state() const override;
  // Without a packet path there is nothing to open: the engines keep running (so they keep the
  // plan's phase, as a dataplane's restored lists do) and oper_state() reports every gate open,
  // as a dataplane holding them open would.
  void hold_gates_open(bool hold) override;

 private:
  struct Port {
    PortCapabilities capabilities;
    GateEngine engine;
    bool gate_enabled = false;
    std::uint8_t admin_gate_states = kAllGatesOpen;
  };

  std::vector<PortCapabilities> capabilities_;
  Clock clock_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Port> ports_;  // advance() on read keeps oper state truthful
  bool held_open_ = false;
};

}  // namespace takt::agent
