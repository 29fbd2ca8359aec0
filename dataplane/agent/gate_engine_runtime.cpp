#include "dataplane/agent/gate_engine_runtime.hpp"

#include <fmt/format.h>

#include "dataplane/core/config_error.hpp"

namespace takt::agent {

GateEngineRuntime::GateEngineRuntime(std::vector<PortCapabilities> ports, Clock clock)
    : capabilities_(std::move(ports)), clock_(std::move(clock)) {
  for (const auto& c : capabilities_) ports_.emplace(c.port, Port{c, GateEngine{}, false, kAllGatesOpen});
}

void GateEngineRuntime::apply(const bridge::BridgeConfig& config) {
  std::lock_guard lock(mutex_);
  const TaiTime now = clock_();
  // Work on copies and swap them in at the end, so a refusal by any engine leaves all as they were.
  std::map<std::string, Port> next = ports_;
  for (const auto& p : config.ports) {
    if (!p.gates.config_change) continue;
    auto it = next.find(p.name);
    if (it == next.end()) throw ConfigError(fmt::format("port \"{}\" does not exist on this bridge", p.name));
    Port& port = it->second;
    port.admin_gate_states = p.gates.admin_gate_states;
    port.gate_enabled = p.gates.gate_enabled;
    if (!p.gates.gate_enabled) {
      port.engine = GateEngine{p.gates.admin_gate_states};
      continue;
    }
    port.engine.advance(now);
    port.engine.set_admin(bridge::gate_control_list(p.gates), now);
  }
  ports_ = std::move(next);
}

void GateEngineRuntime::hold_gates_open(bool hold) {
  std::lock_guard lock(mutex_);
  held_open_ = hold;
}

BridgeOperState GateEngineRuntime::oper_state() const {
  std::lock_guard lock(mutex_);
  BridgeOperState state;
  state.current_time = clock_();
  for (auto& [name, port] : ports_) {
    port.engine.advance(state.current_time);
    PortOperState s;
    s.port = name;
    s.capabilities = port.capabilities;
    s.gate_enabled = port.gate_enabled;
    s.admin_gate_states = port.admin_gate_states;
    s.oper_gate_states = port.engine.gate_states(state.current_time);
    if (const auto* oper = port.engine.oper_list()) s.oper = *oper;
    if (const auto* admin = port.engine.admin_list()) s.admin = *admin;
    s.config_pending = port.engine.config_pending();
    if (s.config_pending) s.config_change_time = port.engine.config_change_time();
    s.config_change_error = port.engine.config_change_error();
    if (held_open_) {
      s.gate_enabled = false;
      s.admin_gate_states = kAllGatesOpen;
      s.oper_gate_states = kAllGatesOpen;
      s.oper.reset();
      s.admin.reset();
      s.config_pending = false;
    }
    state.ports.push_back(std::move(s));
  }
  return state;
}

}  // namespace takt::agent
