#include "control/export/bridge_config.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "control/export/active_topology.hpp"
#include "control/export/stream_protection.hpp"
#include "dataplane/core/r_tag.hpp"
#include "dataplane/core/wire.hpp"

namespace takt::exporter {

namespace {

bridge::GateParameterTable gates_of(const schedule::PortPlan& pp, TaiTime base_time) {
  bridge::GateParameterTable g;
  g.gate_enabled = !pp.gcl.empty();
  g.admin_gate_states = 0xFF;
  for (std::size_t i = 0; i < pp.gcl.size(); ++i) {
    const auto& e = pp.gcl[i];
    g.admin_control_list.push_back({static_cast<std::uint32_t>(i), bridge::kSetGateStates,
                                    static_cast<std::uint32_t>(e.interval.count()),
                                    static_cast<std::uint8_t>(e.gate_states & 0xFFU)});
  }
  g.admin_cycle_time = bridge::rational_seconds(pp.cycle_time);
  g.admin_cycle_time_extension = 0;
  g.admin_base_time = bridge::ptp_time(base_time);
  g.config_change = true;
  return g;
}

}  // namespace

bridge::BridgeConfig bridge_config(const schedule::Plan& plan, const model::Plant& plant, const std::string& name,
                                   TaiTime base_time) {
  const model::Node* node = plant.find_node(name);
  if (!node || node->kind != model::NodeKind::bridge)
    throw std::invalid_argument("'" + name + "' is not a bridge of plant " + plant.name);
  if (plan.hyperperiod > Nanos{0} && ns_of(base_time) % plan.hyperperiod.count() != 0)
    throw std::invalid_argument("base time " + std::to_string(ns_of(base_time)) +
                                " ns is not a multiple of the plan's hyperperiod " +
                                std::to_string(plan.hyperperiod.count()) + " ns; the gate cycles would be shifted");

  bridge::BridgeConfig config;
  config.bridge = name;
  const std::set<model::PortRef> inactive = inactive_ports(plant);
  for (const auto& port : node->ports) {
    const model::PortRef ref{name, port};
    const model::Link* link = plant.link_at(ref);
    if (!link) continue;  // an unconnected port carries nothing
    bridge::BridgePort bp;
    bp.name = port;
    bp.link_rate_bps = link->rate_bps;
    bp.active_topology = !inactive.count(ref);
    // The profile's largest MAC client data behind a header with two tags and an R-TAG.
    if (const model::Profile* prof = plant.find_profile(node->profile))
      bp.max_frame_bytes = static_cast<std::uint32_t>(prof->max_frame_size + kEthHeaderBytes + 2 * kVlanTagBytes +
                                                      static_cast<std::int64_t>(kRTagBytes));
    if (const schedule::PortPlan* pp = plan.find_port(ref)) {
      if (pp->rate_bps > 0) bp.link_rate_bps = pp->rate_bps;
      for (std::size_t p = 0; p < 8; ++p)
        bp.priority_to_traffic_class[p] = static_cast<std::uint8_t>(pp->priority_to_tc[p]);
      bp.gates = gates_of(*pp, base_time);
    } else {
      bp.gates.admin_base_time = bridge::ptp_time(base_time);
    }
    config.ports.push_back(std::move(bp));
  }
  // A switch needs at least one port to run; say which plant line makes this one useless.
  if (config.ports.empty())
    throw std::invalid_argument(
        fmt::format("bridge {}: none of its {} ports is linked; link it in the plant's links "
                    "or remove it from bridges",
                    name, node->ports.size()));

  // One static entry per (destination, VLAN), the union of the egress ports of every hop here.
  std::map<std::pair<std::uint64_t, int>, std::size_t> fdb_index;
  for (const auto& s : plan.streams) {
    const schedule::Hop* first_here = nullptr;
    for (const auto& hop : s.hops)
      if (hop.egress.node == name) {
        first_here = &hop;
        break;
      }
    if (!first_here) continue;
    const auto mac = MacAddress::parse(s.destination_mac);
    if (!mac)
      throw std::invalid_argument("stream " + s.name + ": destination MAC '" + s.destination_mac + "' is not valid");
    const auto key = std::make_pair(mac->to_u64(), s.vlan);
    auto [it, inserted] = fdb_index.emplace(key, config.static_fdb.size());
    if (inserted) config.static_fdb.push_back({*mac, static_cast<std::uint16_t>(s.vlan), {}});
    auto& ports = config.static_fdb[it->second].ports;
    for (const auto& hop : s.hops)
      if (hop.egress.node == name && std::find(ports.begin(), ports.end(), hop.egress.port) == ports.end())
        ports.push_back(hop.egress.port);

    // Null stream identification cannot tell apart two streams with one destination and VLAN;
    // the first keeps the entry and the counters cover both.
    if (!inserted) continue;
    Nanos max_latency = s.max_latency;
    if (max_latency <= Nanos{0})
      if (const model::Stream* ps = plant.find_stream(s.name)) max_latency = ps->max_latency;
    if (max_latency <= Nanos{0}) continue;  // nothing to put a deadline bucket at
    config.streams.push_back(
        {s.name, *mac, static_cast<std::uint16_t>(s.vlan), max_latency, first_here->traffic_class});
  }
  add_stream_protection(config, plan, plant, base_time);
  bridge::validate(config);
  return config;
}

}  // namespace takt::exporter
