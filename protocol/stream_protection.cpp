#include "protocol/stream_protection.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "dataplane/core/config_error.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::bridge {

namespace {

// Bounds that keep a hostile file from allocating without limit: a filter per stream, port and
// priority is the most a plan writes.
constexpr std::size_t kMaxStreamFilters = 65'536;

std::string filter_label(std::size_t i, const StreamFilterEntry& f) {
  return fmt::format("stream filter {} (stream {}, port {}, priority {})", i, f.stream.empty() ? "unnamed" : f.stream,
                     f.port.empty() ? "unnamed" : f.port, f.priority ? std::to_string(*f.priority) : "any");
}

}  // namespace

GateControlList stream_gate_control_list(const StreamGate& gate) {
  GateParameterTable table = gate.schedule;
  // The stream gate's SetGateAndIPV operations carry one bit: the core list reads bit 0.
  for (auto& e : table.admin_control_list) {
    if (e.operation_name != kSetGateAndIpv)
      throw ConfigError(fmt::format("stream gate entry {}: operation-name '{}' is not {}", e.index, e.operation_name,
                                    kSetGateAndIpv));
    e.operation_name = kSetGateStates;
    if (e.gate_states_value > 1)
      throw ConfigError(fmt::format("stream gate entry {}: gate state must be open or closed", e.index));
  }
  return gate_control_list(table);
}

std::vector<GateParameterTable*> gate_tables(BridgeConfig& config) {
  std::vector<GateParameterTable*> out;
  for (auto& p : config.ports) out.push_back(&p.gates);
  for (auto& f : config.protection.stream_filters)
    if (f.gate) out.push_back(&f.gate->schedule);
  return out;
}

StreamProtection with_stream_gates_open(const StreamProtection& protection) {
  StreamProtection open = protection;
  for (auto& f : open.stream_filters) {
    if (!f.gate || !f.gate->schedule.gate_enabled) continue;
    GateParameterTable t;  // gate-enabled false: admin-gate-states at once
    t.admin_gate_states = 1;
    t.admin_base_time = f.gate->schedule.admin_base_time;
    f.gate->schedule = t;
  }
  return open;
}

void validate_protection(const BridgeConfig& config) {
  const StreamProtection& p = config.protection;
  std::set<std::string> streams;
  for (const auto& s : config.streams) streams.insert(s.name);
  if (p.stream_filters.size() > kMaxStreamFilters)
    throw ConfigError(
        fmt::format("{} stream filters; a bridge takes at most {}", p.stream_filters.size(), kMaxStreamFilters));
  std::set<std::tuple<std::string, std::string, int>> keys;
  for (std::size_t i = 0; i < p.stream_filters.size(); ++i) {
    const StreamFilterEntry& f = p.stream_filters[i];
    const std::string where = filter_label(i, f);
    if (f.stream != kWildcardStream && !streams.count(f.stream))
      throw ConfigError(fmt::format("{}: the bridge identifies no stream of that name", where));
    if (!config.port_index(f.port)) throw ConfigError(fmt::format("{}: the bridge has no such port", where));
    if (f.priority && *f.priority > 7) throw ConfigError(fmt::format("{}: priority must be 0..7", where));
    if (!keys.insert({f.stream, f.port, f.priority ? *f.priority : -1}).second)
      throw ConfigError(fmt::format("{}: a second filter for the same stream, port and priority", where));
    try {
      if (f.gate && f.gate->schedule.gate_enabled) (void)stream_gate_control_list(*f.gate);
      if (f.gate && f.gate->schedule.admin_gate_states > 1)
        throw ConfigError("admin-gate-states must be open or closed");
      if (f.gate && f.gate->ipv && *f.gate->ipv > 7)
        throw ConfigError(fmt::format("the stream gate's IPV {} is not a priority (0..7)", *f.gate->ipv));
      if (f.meter) (void)FlowMeter(*f.meter);
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("{}: {}", where, e.what()));
    }
  }
  std::set<std::string> generating;
  for (const auto& name : p.sequence_generation) {
    if (!streams.count(name))
      throw ConfigError(fmt::format("sequence generation for stream {}: the bridge identifies no such stream", name));
    if (!generating.insert(name).second)
      throw ConfigError(fmt::format("sequence generation for stream {} appears twice", name));
  }
  std::set<std::string> recovering;
  for (const auto& r : p.sequence_recovery) {
    const std::string where = fmt::format("sequence recovery for stream {}", r.stream);
    if (!streams.count(r.stream)) throw ConfigError(where + ": the bridge identifies no such stream");
    if (!recovering.insert(r.stream).second) throw ConfigError(where + " appears twice");
    if (generating.count(r.stream))
      throw ConfigError(where + ": the bridge also generates its sequence numbers; a bridge does one or the other");
    try {
      (void)SequenceRecovery(r.recovery);
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("{}: {}", where, e.what()));
    }
  }
}

StreamFilterTable stream_filter_table(const BridgeConfig& config) {
  const auto& filters = config.protection.stream_filters;
  std::vector<StreamFilterKey> keys;
  keys.reserve(filters.size());
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const StreamFilterEntry& f = filters[i];
    StreamFilterKey k;
    const auto port = config.port_index(f.port);
    if (!port) throw ConfigError(fmt::format("stream filter {}: no port {}", i, f.port));
    k.port = *port;
    if (f.stream != kWildcardStream) {
      const auto it = std::find_if(config.streams.begin(), config.streams.end(),
                                   [&f](const StreamEntry& s) { return s.name == f.stream; });
      if (it == config.streams.end()) throw ConfigError(fmt::format("stream filter {}: no stream {}", i, f.stream));
      k.stream = static_cast<StreamHandle>(it - config.streams.begin());
    }
    k.priority = f.priority;
    if (f.gate) k.ipv = f.gate->ipv;
    keys.push_back(k);
  }
  return StreamFilterTable(config.streams.size(), config.ports.size(), keys);
}

}  // namespace takt::bridge
