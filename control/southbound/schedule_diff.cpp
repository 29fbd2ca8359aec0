#include "control/southbound/schedule_diff.hpp"

#include <set>

#include <fmt/format.h>

#include "common/duration_text.hpp"

namespace takt::southbound {

namespace {

const agent::PortOperState* find_port(const agent::BridgeOperState& s, const std::string& name) {
  for (const auto& p : s.ports)
    if (p.port == name) return &p;
  return nullptr;
}

}  // namespace

std::optional<GateControlList> effective_schedule(const agent::PortOperState& port) {
  if (!port.gate_enabled) return std::nullopt;
  if (port.config_pending && port.admin) return port.admin;
  return port.oper;
}

std::optional<GateControlList> desired_schedule(const bridge::BridgePort& port) {
  if (!port.gates.gate_enabled) return std::nullopt;
  return bridge::gate_control_list(port.gates);
}

std::string describe(const std::optional<GateControlList>& s) {
  if (!s) return "no schedule (gates open)";
  return fmt::format(
      "{} entries, cycle {}{}", s->entries.size(), readable_duration(s->cycle_time),
      s->cycle_time_extension.count() ? ", extension " + readable_duration(s->cycle_time_extension) : "");
}

bool same_schedule(const std::optional<GateControlList>& running, const std::optional<GateControlList>& desired) {
  if (!running || !desired) return running.has_value() == desired.has_value();
  if (running->entries != desired->entries || running->cycle_time != desired->cycle_time ||
      running->cycle_time_extension != desired->cycle_time_extension)
    return false;
  const std::int64_t cycle = running->cycle_time.count();
  return cycle <= 0 || ns_of(running->base_time) % cycle == 0;
}

std::vector<PortChange> changes(const std::string& bridge, const agent::BridgeOperState& before,
                                const bridge::BridgeConfig& desired) {
  std::vector<PortChange> out;
  for (const auto& port : desired.ports) {
    const agent::PortOperState* was = find_port(before, port.name);
    const std::optional<GateControlList> old = was ? effective_schedule(*was) : std::nullopt;
    const std::optional<GateControlList> now = desired_schedule(port);
    out.push_back({bridge, port.name, describe(old), describe(now), !same_schedule(old, now)});
  }
  return out;
}

std::vector<std::string> drift(const agent::BridgeOperState& running, const bridge::BridgeConfig& desired) {
  std::vector<std::string> out;
  for (const auto& port : desired.ports) {
    const agent::PortOperState* p = find_port(running, port.name);
    if (!p) {
      out.push_back(fmt::format("port {} is missing on the bridge", port.name));
      continue;
    }
    const auto want = desired_schedule(port);
    const auto have = effective_schedule(*p);
    if (!same_schedule(have, want))
      out.push_back(fmt::format("port {} runs {}, should run {}{}", port.name, describe(have), describe(want),
                                have && want && have->entries == want->entries && have->cycle_time == want->cycle_time
                                    ? " (same list, wrong phase)"
                                    : ""));
  }
  return out;
}

std::vector<std::string> plan_diff(const std::map<std::string, bridge::BridgeConfig>& before,
                                   const std::map<std::string, bridge::BridgeConfig>& after) {
  std::vector<std::string> out;
  std::set<std::string> bridges;
  for (const auto& [name, c] : before) bridges.insert(name);
  for (const auto& [name, c] : after) bridges.insert(name);
  for (const auto& name : bridges) {
    auto b = before.find(name);
    auto a = after.find(name);
    if (b == before.end()) {
      out.push_back(fmt::format("+ bridge {} ({} ports)", name, a->second.ports.size()));
      continue;
    }
    if (a == after.end()) {
      out.push_back(fmt::format("- bridge {}", name));
      continue;
    }
    std::set<std::string> ports;
    for (const auto& p : b->second.ports) ports.insert(p.name);
    for (const auto& p : a->second.ports) ports.insert(p.name);
    for (const auto& port : ports) {
      const auto bi = b->second.port_index(port);
      const auto ai = a->second.port_index(port);
      const auto old = bi ? desired_schedule(b->second.ports[*bi]) : std::nullopt;
      const auto now = ai ? desired_schedule(a->second.ports[*ai]) : std::nullopt;
      if (!same_schedule(old, now) || bi.has_value() != ai.has_value())
        out.push_back(
            fmt::format("~ {}:{}: {} -> {}", name, port, bi ? describe(old) : "absent", ai ? describe(now) : "absent"));
    }
    if (b->second.static_fdb != a->second.static_fdb)
      out.push_back(fmt::format("~ {}: static FDB {} -> {} entries", name, b->second.static_fdb.size(),
                                a->second.static_fdb.size()));
    if (b->second.streams != a->second.streams)
      out.push_back(fmt::format("~ {}: streams {} -> {}", name, b->second.streams.size(), a->second.streams.size()));
  }
  return out;
}

}  // namespace takt::southbound
