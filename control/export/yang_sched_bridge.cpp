#include "control/export/yang_sched_bridge.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "control/export/bridge_config.hpp"
#include "control/export/yang_stream_protection.hpp"
#include "protocol/gate_control_entry_json.hpp"

namespace takt::exporter {
namespace {

using json = nlohmann::ordered_json;

constexpr std::int64_t kUint32Max = std::numeric_limits<std::uint32_t>::max();

std::uint32_t u32(std::int64_t v, const char* what) {
  if (v < 0 || v > kUint32Max) throw std::range_error(fmt::format("{} {} does not fit the YANG uint32", what, v));
  return static_cast<std::uint32_t>(v);
}

json rational(const RationalSeconds& r) { return {{"numerator", r.numerator}, {"denominator", r.denominator}}; }

std::uint8_t all_gates(int queues) { return static_cast<std::uint8_t>((1u << std::clamp(queues, 1, 8)) - 1u); }

// Largest frame (MAC client data) each scheduled class carries at this port. Setting it as the
// class's queueMaxSDU makes the bridge drop an oversized frame at once instead of letting it
// wait for a window it can never fit (and overrun the window if it tried).
std::map<int, std::int64_t> max_sdu_per_class(const schedule::Plan& plan, const schedule::PortPlan& port) {
  std::map<int, std::int64_t> out;
  for (const auto& w : port.windows)
    if (const auto* s = plan.find_stream(w.stream))
      out[w.traffic_class] = std::max(out[w.traffic_class], s->frame_payload);
  return out;
}

// The hardware's limits. Always present: the module's must statements on admin-control-list
// and admin-cycle-time compare against them, even where the list is empty.
void add_limits(json& t, const model::Profile& profile) {
  t["supported-list-max"] = u32(profile.max_gcl_entries, "supported-list-max");
  t["supported-cycle-max"] = rational(to_rational_seconds(profile.max_cycle_time));
  // No single entry can outlast the longest cycle the hardware accepts.
  t["supported-interval-max"] = u32(std::min(profile.max_cycle_time.count(), kUint32Max), "supported-interval-max");
}

// A port without scheduled traffic: gating off, and should anyone enable it, a one-entry list
// with every gate always open, which is the same as no gating. The list and cycle are spelled
// out because the module's must statements on them are checked even when they are absent.
json disabled_table(const model::Profile& profile) {
  const Nanos cycle = std::min(Nanos{1'000'000}, profile.max_cycle_time);
  const json entry = bridge::gate_control_entry_json<json>(
      0, bridge::kSetGateStatesIdentity, u32(cycle.count(), "gate interval"), all_gates(profile.queues));
  json t{{"gate-enabled", false},
         {"admin-gate-states", all_gates(profile.queues)},
         {"admin-control-list", {{"gate-control-entry", json::array({entry})}}},
         {"admin-cycle-time", rational(to_rational_seconds(cycle))}};
  add_limits(t, profile);
  return t;
}

json interface_entry(const std::string& port, json table) {
  return {
      {"name", port},
      {"type", "iana-if-type:ethernetCsmacd"},
      {"ieee802-dot1q-bridge:bridge-port", {{"ieee802-dot1q-sched-bridge:gate-parameter-table", std::move(table)}}}};
}

}  // namespace

RationalSeconds to_rational_seconds(Nanos d) {
  const std::int64_t ns = d.count();
  if (ns < 0) throw std::range_error(fmt::format("negative duration {} ns has no rational-grouping form", ns));
  const std::int64_t g = std::gcd(ns, std::int64_t{1'000'000'000});
  return {u32(ns / g, "cycle time numerator"), u32(1'000'000'000 / g, "cycle time denominator")};
}

json gate_parameter_table(const schedule::PortPlan& port, const model::Profile& profile) {
  json entries = json::array();
  std::uint32_t index = 0;
  for (const auto& e : port.gcl)
    entries.push_back(bridge::gate_control_entry_json<json>(index++, bridge::kSetGateStatesIdentity,
                                                            u32(e.interval.count(), "gate interval"),
                                                            static_cast<std::uint8_t>(e.gate_states & 0xffu)));
  json t{{"gate-enabled", true},
         {"admin-gate-states", all_gates(port.queues)},
         {"admin-control-list", {{"gate-control-entry", std::move(entries)}}},
         {"admin-cycle-time", rational(to_rational_seconds(port.cycle_time))}};
  // Half a cycle: a remnant of the old cycle shorter than that at the config-change time is
  // appended to the old schedule's last cycle instead of running as a stub (802.1Qbv 8.6.9.1).
  if (profile.cycle_time_extension)
    t["admin-cycle-time-extension"] = static_cast<std::uint32_t>(std::min(port.cycle_time.count() / 2, kUint32Max));
  // RFC 7951: uint64 is a JSON string.
  t["admin-base-time"] = {{"seconds", "0"}, {"nanoseconds", 0}};
  t["config-change"] = true;
  add_limits(t, profile);
  return t;
}

json sched_bridge_config(const schedule::Plan& plan, const model::Plant& plant, const std::string& bridge) {
  const model::Node* node = plant.find_node(bridge);
  if (!node || node->kind != model::NodeKind::bridge)
    throw std::invalid_argument(fmt::format("'{}' is not a bridge of plant '{}'", bridge, plant.name));
  const model::Profile& profile = plant.profile_of(*node);
  json interfaces = json::array();
  for (const auto& port : node->ports) {
    const model::PortRef ref{bridge, port};
    if (!plant.link_at(ref)) continue;
    if (const auto* pp = plan.find_port(ref)) {
      json table = gate_parameter_table(*pp, profile);
      json sdu = json::array();
      for (const auto& [tc, size] : max_sdu_per_class(plan, *pp))
        sdu.push_back({{"traffic-class", tc}, {"queue-max-sdu", u32(size, "queue-max-sdu")}});
      if (!sdu.empty()) table["queue-max-sdu-table"] = std::move(sdu);
      interfaces.push_back(interface_entry(port, std::move(table)));
    } else {
      interfaces.push_back(interface_entry(port, disabled_table(profile)));
    }
  }
  json doc{{"ietf-interfaces:interfaces", {{"interface", std::move(interfaces)}}}};
  // 802.1Qci and 802.1CB: what takt-dataplane is told (takt-bridge/1), in the IEEE modules.
  ProtectionYangOptions options;
  options.limits = stream_gate_limits(profile);
  if (!node->mac.empty()) {
    const auto mac = MacAddress::parse(node->mac);
    if (!mac)
      throw std::invalid_argument(fmt::format("bridge '{}' has MAC address '{}', which is not one", bridge, node->mac));
    options.bridge_address = yang_mac_address(*mac);
  }
  doc.update(stream_protection_yang(bridge_config(plan, plant, bridge), options));
  return doc;
}

std::vector<std::string> sched_bridge_modules() {
  // The identities used as values (set-gate-states, ethernetCsmacd) live in modules that the
  // sched-bridge module only imports; a validator must implement them too.
  std::vector<std::string> modules{"ieee802-dot1q-sched-bridge.yang", "ieee802-dot1q-sched.yang",
                                   "iana-if-type@2014-05-08.yang"};
  for (auto& m : stream_protection_modules()) modules.push_back(std::move(m));
  return modules;
}

}  // namespace takt::exporter
