#include "protocol/bridge_config.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>
#include <utility>

#include "dataplane/core/config_error.hpp"

namespace takt::bridge {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

std::string port_label(std::size_t i, const BridgePort& p) {
  return "port " + std::to_string(i) + " (" + (p.name.empty() ? "unnamed" : p.name) + ")";
}

}  // namespace

std::optional<std::size_t> BridgeConfig::port_index(const std::string& name) const {
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == name) return i;
  return std::nullopt;
}

Nanos to_nanos(const RationalSeconds& r) {
  if (r.denominator <= 0)
    throw ConfigError("admin-cycle-time denominator must be positive, got " + std::to_string(r.denominator));
  if (r.numerator < 0)
    throw ConfigError("admin-cycle-time numerator must not be negative, got " + std::to_string(r.numerator));
  // numerator and denominator are int32 in YANG; the product stays far inside int64.
  const std::int64_t scaled = r.numerator * kNsPerSecond;
  if (scaled % r.denominator != 0)
    throw ConfigError("admin-cycle-time " + std::to_string(r.numerator) + "/" + std::to_string(r.denominator) +
                      " s is not a whole number of nanoseconds");
  return Nanos{scaled / r.denominator};
}

RationalSeconds rational_seconds(Nanos n) {
  const std::int64_t ns = n.count();
  const std::int64_t g = std::gcd(ns, kNsPerSecond);
  RationalSeconds r{ns / g, kNsPerSecond / g};
  if (r.numerator > kInt32Max)
    throw ConfigError("cycle time " + std::to_string(ns) + " ns does not fit ieee802 rational-grouping (int32)");
  return r;
}

TaiTime to_tai(const PtpTime& t) {
  if (t.nanoseconds >= kNsPerSecond)
    throw ConfigError("admin-base-time nanoseconds must be below 1000000000, got " + std::to_string(t.nanoseconds));
  constexpr auto max_seconds = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / kNsPerSecond) - 1;
  if (t.seconds > max_seconds)
    throw ConfigError("admin-base-time seconds " + std::to_string(t.seconds) + " is beyond year 2262");
  return tai_ns(static_cast<std::int64_t>(t.seconds) * kNsPerSecond + t.nanoseconds);
}

PtpTime ptp_time(TaiTime t) {
  const std::int64_t ns = ns_of(t);
  if (ns < 0) throw ConfigError("a PTP time cannot be before the epoch: " + std::to_string(ns) + " ns");
  return {static_cast<std::uint64_t>(ns / kNsPerSecond), static_cast<std::uint32_t>(ns % kNsPerSecond)};
}

GateControlList gate_control_list(const GateParameterTable& table) {
  std::vector<GateControlEntry> entries = table.admin_control_list;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  GateControlList list;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const GateControlEntry& e = entries[i];
    if (i > 0 && entries[i - 1].index == e.index)
      throw ConfigError("admin-control-list has two entries with index " + std::to_string(e.index));
    if (e.operation_name != kSetGateStates)
      throw ConfigError("admin-control-list entry " + std::to_string(e.index) + ": operation-name '" +
                        e.operation_name + "' is not supported; this bridge has no frame preemption, so only " +
                        kSetGateStates + " is");
    list.entries.push_back({e.gate_states_value, Nanos{e.time_interval_value}});
  }
  list.base_time = to_tai(table.admin_base_time);
  list.cycle_time = to_nanos(table.admin_cycle_time);
  list.cycle_time_extension = Nanos{table.admin_cycle_time_extension};
  if (const Status valid = validate(list); !valid) throw ConfigError(valid.error().message);
  return list;
}

void validate(const BridgeConfig& config) {
  if (config.bridge.empty()) throw ConfigError("the bridge has no name");
  if (config.ports.empty()) throw ConfigError("bridge " + config.bridge + " has no ports");
  if (config.ports.size() > 64)
    throw ConfigError("bridge " + config.bridge + " has " + std::to_string(config.ports.size()) +
                      " ports; the dataplane supports at most 64");
  std::set<std::string> names;
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    const BridgePort& p = config.ports[i];
    const std::string where = port_label(i, p);
    if (p.name.empty()) throw ConfigError(where + " has no name");
    if (!names.insert(p.name).second) throw ConfigError(where + ": port name " + p.name + " appears twice");
    if (p.link_rate_bps <= 0)
      throw ConfigError(where + ": link rate must be positive, got " + std::to_string(p.link_rate_bps) + " b/s");
    for (std::size_t pcp = 0; pcp < 8; ++pcp)
      if (p.priority_to_traffic_class[pcp] >= kTrafficClasses)
        throw ConfigError(where + ": priority " + std::to_string(pcp) + " maps to traffic class " +
                          std::to_string(p.priority_to_traffic_class[pcp]) + "; classes are 0..7");
    if (p.gates.gate_enabled) {
      try {
        (void)gate_control_list(p.gates);
      } catch (const ConfigError& e) {
        throw ConfigError(where + ": " + e.what());
      }
    }
  }
  std::set<std::pair<std::uint64_t, std::uint16_t>> keys;
  for (std::size_t i = 0; i < config.static_fdb.size(); ++i) {
    const StaticFdbEntry& f = config.static_fdb[i];
    const std::string where = "static FDB entry " + std::to_string(i) + " (" + f.destination.to_string() + " vlan " +
                              std::to_string(f.vlan) + ")";
    if (f.vlan > 4094) throw ConfigError(where + ": VLAN must be 0..4094");
    if (f.ports.empty()) throw ConfigError(where + " names no ports");
    for (const auto& name : f.ports)
      if (!config.port_index(name))
        throw ConfigError(where + " names port " + name + ", which the bridge does not have");
    if (!keys.insert({f.destination.to_u64(), f.vlan}).second)
      throw ConfigError(where + ": a second entry for the same destination and VLAN");
  }
  std::set<std::string> stream_names;
  std::set<std::pair<std::uint64_t, std::uint16_t>> stream_keys;
  for (std::size_t i = 0; i < config.streams.size(); ++i) {
    const StreamEntry& s = config.streams[i];
    const std::string where = "stream " + std::to_string(i) + " (" + (s.name.empty() ? "unnamed" : s.name) + ")";
    if (s.name.empty()) throw ConfigError(where + " has no name");
    if (!stream_names.insert(s.name).second) throw ConfigError(where + ": stream name appears twice");
    if (s.vlan > 4094) throw ConfigError(where + ": VLAN must be 0..4094");
    if (s.max_latency <= Nanos{0}) throw ConfigError(where + ": max-latency must be positive");
    if (s.traffic_class < 0 || s.traffic_class >= kTrafficClasses)
      throw ConfigError(where + ": traffic class must be 0..7, got " + std::to_string(s.traffic_class));
    if (!stream_keys.insert({s.destination.to_u64(), s.vlan}).second)
      throw ConfigError(where + ": another stream already has destination " + s.destination.to_string() + " vlan " +
                        std::to_string(s.vlan) + "; null stream identification needs them distinct");
  }
  validate_protection(config);
}

}  // namespace takt::bridge
