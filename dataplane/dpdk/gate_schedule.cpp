#include "dataplane/dpdk/gate_schedule.hpp"

#include "dataplane/core/config_error.hpp"

namespace takt::dpdk {

GateSchedule next_schedule(const bridge::BridgeConfig& config, const GateSchedule* running, TaiTime now) {
  if (running && running->ports.size() != config.ports.size())
    throw ConfigError("the new configuration has " + std::to_string(config.ports.size()) + " ports, the running one " +
                      std::to_string(running->ports.size()) + "; ports are fixed at start, restart takt-dataplane");
  GateSchedule next;
  next.generation = running ? running->generation + 1 : 1;
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    const bridge::BridgePort& p = config.ports[i];
    PortSchedule ps{GateEngine(kAllGatesOpen), PcpToTrafficClass(p.priority_to_traffic_class), p.link_rate_bps,
                    WireTimer(p.link_rate_bps)};
    try {
      if (p.gates.gate_enabled) {
        if (running && !p.gates.config_change) {
          ps.gates = running->ports[i].gates;
        } else {
          if (running)
            ps.gates = running->ports[i].gates;
          else
            ps.gates = GateEngine(p.gates.admin_gate_states);
          ps.gates.set_admin(bridge::gate_control_list(p.gates), now);
        }
      }
    } catch (const ConfigError& e) {
      throw ConfigError("port " + p.name + ": " + e.what());
    }
    ps.gates.advance(now);
    next.ports.push_back(std::move(ps));
  }
  next.protection = next_protection(config, running ? &running->protection : nullptr, now);
  return next;
}

}  // namespace takt::dpdk
