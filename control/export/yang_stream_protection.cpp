#include "control/export/yang_stream_protection.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace takt::exporter {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kSetGateAndIpv = "ieee802-dot1q-psfp:set-gate-and-ipv";
constexpr std::size_t kMaxNameLength = 32;  // ieee802-dot1q-types name-type

std::uint32_t u32(std::int64_t v, const std::string& what) {
  if (v < 0 || v > std::numeric_limits<std::uint32_t>::max())
    throw std::range_error(fmt::format("{} {} does not fit the YANG uint32", what, v));
  return static_cast<std::uint32_t>(v);
}

// RFC 7951: a uint64 is a JSON string.
std::string u64(std::int64_t v, const std::string& what) {
  if (v < 0) throw std::range_error(fmt::format("{} {} does not fit the YANG uint64", what, v));
  return std::to_string(v);
}

// Milliseconds, rounded up: 802.1CB keeps these timers in whole ms.
std::uint32_t millis(Nanos d, const std::string& what) {
  return u32((d.count() + 999'999) / 1'000'000, fmt::format("{} in ms", what));
}

const char* priority_spec(const std::optional<std::uint8_t>& pcp) {
  static constexpr std::array<const char*, 8> kNames = {"zero", "one", "two", "three", "four", "five", "six", "seven"};
  if (!pcp) return "wildcard";
  if (*pcp > 7) throw std::range_error(fmt::format("priority {} is not a PCP (0..7)", *pcp));
  return kNames[*pcp];
}

// ipv-spec-type: a priority by name, or "null" for the frame's own.
const char* ipv_spec(const std::optional<std::uint8_t>& ipv) {
  if (!ipv) return "null";
  if (*ipv > 7) throw std::range_error(fmt::format("IPV {} is not a priority (0..7)", *ipv));
  return priority_spec(ipv);
}

const char* gate_state(std::uint8_t gate_states_value) { return (gate_states_value & 1u) ? "open" : "closed"; }

json rational(const bridge::RationalSeconds& r, const std::string& what) {
  if (r.denominator <= 0) throw std::range_error(fmt::format("{} has denominator {}", what, r.denominator));
  const std::int64_t g = std::max<std::int64_t>(1, std::gcd(r.numerator, r.denominator));
  return {{"numerator", u32(r.numerator / g, fmt::format("{} numerator", what))},
          {"denominator", u32(r.denominator / g, fmt::format("{} denominator", what))}};
}

json rational_nanos(Nanos d, const std::string& what) {
  return rational(bridge::RationalSeconds{d.count(), 1'000'000'000}, what);
}

json ptp_time(const bridge::PtpTime& t) {
  return {{"seconds", std::to_string(t.seconds)}, {"nanoseconds", t.nanoseconds}};
}

json stream_gate(std::uint32_t id, const bridge::StreamGate& gate, const std::string& what) {
  const bridge::GateParameterTable& s = gate.schedule;
  json g{{"stream-gate-instance-id", id},
         {"gate-enable", s.gate_enabled},
         {"admin-gate-states", gate_state(s.admin_gate_states)},
         {"admin-ipv", ipv_spec(gate.ipv)}};
  if (!s.admin_control_list.empty()) {
    json entries = json::array();
    for (const auto& e : s.admin_control_list)
      entries.push_back({{"index", e.index},
                         {"operation-name", kSetGateAndIpv},
                         {"time-interval-value", e.time_interval_value},
                         {"gate-state-value", gate_state(e.gate_states_value)},
                         {"ipv-spec", ipv_spec(gate.ipv)}});
    g["admin-control-list"] = {{"gate-control-entry", std::move(entries)}};
  }
  g["admin-cycle-time"] = rational(s.admin_cycle_time, fmt::format("{} admin-cycle-time", what));
  g["admin-cycle-time-extension"] = s.admin_cycle_time_extension;
  g["admin-base-time"] = ptp_time(s.admin_base_time);
  g["config-change"] = s.config_change;
  g["gate-closed-due-to-invalid-rx-enable"] = gate.gate_closed_due_to_invalid_rx_enable;
  return g;
}

// The gate of filters that have none: never closes, and should anyone enable it, a one-entry
// list that keeps it open (the module's must statements are checked even on a disabled gate).
json always_open_gate(std::uint32_t id) {
  return {{"stream-gate-instance-id", id},
          {"gate-enable", false},
          {"admin-gate-states", "open"},
          {"admin-ipv", "null"},
          {"admin-control-list",
           {{"gate-control-entry", json::array({{{"index", 0},
                                                 {"operation-name", kSetGateAndIpv},
                                                 {"time-interval-value", 1'000'000},
                                                 {"gate-state-value", "open"},
                                                 {"ipv-spec", "null"}}})}}},
          {"admin-cycle-time", {{"numerator", 1}, {"denominator", 1000}}}};
}

json flow_meter(std::uint32_t id, const FlowMeterConfig& m, const std::string& what) {
  return {
      {"flow-meter-instance-id", id},
      {"committed-information-rate",
       u64(m.committed_information_rate_bps, fmt::format("{} committed-information-rate", what))},
      {"committed-burst-size", u32(m.committed_burst_size_bytes, fmt::format("{} committed-burst-size", what))},
      {"excess-information-rate", u64(m.excess_information_rate_bps, fmt::format("{} excess-information-rate", what))},
      {"excess-burst-size", u32(m.excess_burst_size_bytes, fmt::format("{} excess-burst-size", what))},
      {"coupling-flag", "zero"},
      {"color-mode", "color-blind"},
      {"drop-on-yellow", m.drop_on_yellow},
      {"mark-all-frames-red-enable", m.mark_all_frames_red_enable}};
}

bool same_but_port(const bridge::StreamFilterEntry& a, const bridge::StreamFilterEntry& b) {
  bridge::StreamFilterEntry c = b;
  c.port = a.port;
  return a == c;
}

std::vector<std::string> port_names(const bridge::BridgeConfig& config) {
  std::vector<std::string> out;
  for (const auto& p : config.ports) out.push_back(p.name);
  return out;
}

// Wildcard filters that 802.1Qci can say: per priority, one that every linked port has alike.
std::vector<const bridge::StreamFilterEntry*> expressible_wildcards(const bridge::BridgeConfig& config) {
  std::vector<std::optional<std::uint8_t>> priorities;
  std::map<std::optional<std::uint8_t>, std::vector<const bridge::StreamFilterEntry*>> by_priority;
  for (const auto& f : config.protection.stream_filters) {
    if (f.stream != bridge::kWildcardStream) continue;
    if (!by_priority.count(f.priority)) priorities.push_back(f.priority);
    by_priority[f.priority].push_back(&f);
  }
  const std::vector<std::string> all = port_names(config);
  const std::set<std::string> all_ports(all.begin(), all.end());
  std::vector<const bridge::StreamFilterEntry*> out;
  for (const auto& pcp : priorities) {
    const auto& filters = by_priority[pcp];
    std::set<std::string> ports;
    bool alike = true;
    for (const auto* f : filters) {
      alike = alike && ports.insert(f->port).second && same_but_port(*filters.front(), *f);
    }
    if (alike && ports == all_ports) out.push_back(filters.front());
  }
  return out;
}

const bridge::StreamEntry& find_stream(const bridge::BridgeConfig& config, const std::string& name, const char* where) {
  for (const auto& s : config.streams)
    if (s.name == name) return s;
  throw std::invalid_argument(
      fmt::format("{} names stream '{}', which bridge '{}' does not identify", where, name, config.bridge));
}

struct Handles {
  std::vector<StreamHandleAssignment> assignments;
  std::uint32_t of(const std::string& stream, const std::string& port) const {
    for (const auto& a : assignments)
      if (a.stream == stream && std::find(a.ports.begin(), a.ports.end(), port) != a.ports.end()) return a.handle;
    throw std::invalid_argument(fmt::format("stream '{}' has no handle at port '{}'", stream, port));
  }
  json all_of(const std::string& stream) const {
    json out = json::array();
    for (const auto& a : assignments)
      if (a.stream == stream) out.push_back(a.handle);
    return out;
  }
  // The ports a stream is identified on: where its copies come in.
  std::vector<std::string> ports_of(const std::string& stream) const {
    std::vector<std::string> out;
    for (const auto& a : assignments)
      if (a.stream == stream) out.insert(out.end(), a.ports.begin(), a.ports.end());
    return out;
  }
};

json null_stream_identification(const bridge::StreamEntry& s) {
  // VLAN 0: untagged or priority-tagged frames.
  return {{"destination-mac", yang_mac_address(s.destination)},
          {"tagged", s.vlan == 0 ? "priority" : "tagged"},
          {"vlan", s.vlan}};
}

json stream_identities(const bridge::BridgeConfig& config, const Handles& handles) {
  json out = json::array();
  std::uint32_t index = 0;
  for (const auto& a : handles.assignments) {
    const auto& s = find_stream(config, a.stream, "a stream handle");
    json ports = json::array();
    for (const auto& p : a.ports) ports.push_back(p);
    out.push_back({{"index", index++},
                   {"handle", a.handle},
                   {"out-facing", {{"input-port", std::move(ports)}}},
                   {"null-stream-identification", null_stream_identification(s)}});
  }
  return out;
}

json psfp_component(const bridge::BridgeConfig& config, const Handles& handles, const StreamGateLimits& limits) {
  std::vector<const bridge::StreamFilterEntry*> filters;
  for (const auto& f : config.protection.stream_filters)
    if (f.stream != bridge::kWildcardStream) {
      find_stream(config, f.stream, fmt::format("stream filter at port '{}'", f.port).c_str());
      filters.push_back(&f);
    }
  for (const auto* f : expressible_wildcards(config)) filters.push_back(f);

  std::uint32_t gate_count = 0;
  for (const auto* f : filters)
    if (f->gate) ++gate_count;
  const std::uint32_t open_gate = gate_count;  // after the filters' own gates
  bool open_gate_used = false;

  json gates = json::array();
  json meters = json::array();
  json table = json::array();
  std::uint32_t id = 0;
  for (const auto* f : filters) {
    const bool wildcard = f->stream == bridge::kWildcardStream;
    const std::string what = wildcard ? fmt::format("wildcard filter on priority {}", priority_spec(f->priority))
                                      : fmt::format("stream filter of '{}' at port '{}'", f->stream, f->port);
    json e{{"stream-filter-instance-id", id++}};
    if (wildcard)
      e["wildcard"] = json::array({nullptr});  // RFC 7951: a leaf of type empty is [null]
    else
      e["stream-handle"] = handles.of(f->stream, f->port);
    e["priority-spec"] = priority_spec(f->priority);
    e["max-sdu-size"] = f->max_sdu_size;  // 0: any size, in takt as in 802.1Qci
    e["stream-blocked-due-to-oversize-frame-enabled"] = f->stream_blocked_due_to_oversize_frame_enable;
    if (f->gate) {
      const auto gate_id = static_cast<std::uint32_t>(gates.size());
      gates.push_back(stream_gate(gate_id, *f->gate, what));
      e["stream-gate-ref"] = gate_id;
    } else {
      open_gate_used = true;
      e["stream-gate-ref"] = open_gate;
    }
    if (f->meter) {
      const auto meter_id = static_cast<std::uint32_t>(meters.size());
      meters.push_back(flow_meter(meter_id, *f->meter, what));
      e["flow-meter-ref"] = meter_id;
      e["flow-meter-enable"] = true;
    }
    table.push_back(std::move(e));
  }
  if (open_gate_used) gates.push_back(always_open_gate(open_gate));

  json component = json::object();
  if (!meters.empty()) {
    // The module's must statement counts meters against it; takt-dataplane has no fixed
    // number, so the document says it supports the ones it configures.
    const auto count = static_cast<std::uint32_t>(meters.size());
    component["ieee802-dot1q-psfp-bridge:flow-meters"] = {{"flow-meter-instance-table", std::move(meters)},
                                                          {"max-flow-meter-instances", count}};
  }
  component["ieee802-dot1q-psfp-bridge:stream-gates"] = {
      {"stream-gate-instance-table", std::move(gates)},
      {"supported-list-max", limits.supported_list_max},
      {"supported-cycle-max", rational_nanos(limits.supported_cycle_max, "supported-cycle-max")},
      {"supported-interval-max", limits.supported_interval_max}};
  component["ieee802-dot1q-psfp-bridge:stream-filters"] = {{"stream-filter-instance-table", std::move(table)}};
  return component;
}

std::vector<std::string> egress_ports(const bridge::BridgeConfig& config, const bridge::StreamEntry& s) {
  std::vector<std::string> out;
  for (const auto& e : config.static_fdb)
    if (e.destination == s.destination && e.vlan == s.vlan)
      for (const auto& p : e.ports)
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

json frer(const bridge::BridgeConfig& config, const Handles& handles) {
  const auto& p = config.protection;
  json out = json::object();
  // sequence-identification is keyed by (port, direction): the R-TAG is decoded out-facing where
  // copies come in and encoded in-facing where the generated stream leaves, so one port can do
  // both for different streams.
  struct Encoding {
    bool active = false;
    std::vector<std::uint32_t> handles;
  };
  std::map<std::pair<std::size_t, bool>, Encoding> encodings;  // (port index, out-facing)
  const auto port_index = [&](const std::string& port) {
    const auto i = config.port_index(port);
    if (!i)
      throw std::invalid_argument(
          fmt::format("FRER names port '{}', which bridge '{}' does not have", port, config.bridge));
    return *i;
  };
  const auto encode = [&](const std::string& port, bool out_facing, bool active, const json& stream_handles) {
    Encoding& e = encodings[{port_index(port), out_facing}];
    e.active = active;
    for (const auto& h : stream_handles) {
      const auto v = h.get<std::uint32_t>();
      if (std::find(e.handles.begin(), e.handles.end(), v) == e.handles.end()) e.handles.push_back(v);
    }
  };

  if (!p.sequence_generation.empty()) {
    json gen = json::array();
    std::uint32_t index = 0;
    for (const auto& name : p.sequence_generation) {
      const auto& s = find_stream(config, name, "sequence generation");
      json h = handles.all_of(name);
      for (const auto& port : egress_ports(config, s)) encode(port, false, true, h);
      gen.push_back({{"index", index++}, {"stream", std::move(h)}, {"direction-out-facing", false}});
    }
    out["sequence-generation"] = std::move(gen);
  }
  if (!p.sequence_recovery.empty()) {
    json rec = json::array();
    std::uint32_t index = 0;
    for (const auto& r : p.sequence_recovery) {
      const auto& s = find_stream(config, r.stream, "sequence recovery");
      const SequenceRecoveryConfig& c = r.recovery;
      const std::string what = fmt::format("sequence recovery of '{}'", r.stream);
      json h = handles.all_of(r.stream);
      // Where the copies come in: the ports the stream is identified on, minus where it leaves.
      const auto egress = egress_ports(config, s);
      json ports = json::array();
      for (const auto& port : handles.ports_of(r.stream))
        if (std::find(egress.begin(), egress.end(), port) == egress.end()) {
          ports.push_back(port);
          encode(port, true, false, h);
        }
      json e{{"index", index++}, {"stream", h}, {"port", std::move(ports)}, {"direction-out-facing", false}};
      if (c.algorithm == RecoveryAlgorithm::vector) {
        e["algorithm"] = {{"vector", json::object()}};
        if (c.history_length < 2)
          throw std::range_error(
              fmt::format("{}: history length {} is below 802.1CB's minimum of 2", what, c.history_length));
        e["history-length"] = c.history_length;
      } else {
        e["algorithm"] = {{"match", json::object()}};
      }
      e["reset-timeout"] = millis(c.reset_timeout, fmt::format("{} reset timeout", what));
      e["take-no-sequence"] = c.take_no_sequence;
      e["individual-recovery"] = r.individual_recovery;
      e["latent-error-detection"] = c.latent.enabled;
      if (c.latent.enabled) {
        if (c.latent.difference < std::numeric_limits<std::int32_t>::min() ||
            c.latent.difference > std::numeric_limits<std::int32_t>::max())
          throw std::range_error(
              fmt::format("{}: latent error difference {} does not fit the YANG int32", what, c.latent.difference));
        if (c.latent.paths < 0 || c.latent.paths > std::numeric_limits<std::uint16_t>::max())
          throw std::range_error(
              fmt::format("{}: latent error paths {} does not fit the YANG uint16", what, c.latent.paths));
        e["latent-error-detection-parameters"] = {
            {"difference", static_cast<std::int32_t>(c.latent.difference)},
            {"period", millis(c.latent.period, fmt::format("{} latent error period", what))},
            {"paths", static_cast<std::uint16_t>(c.latent.paths)},
            {"reset-period", millis(c.latent.reset_period, fmt::format("{} latent error reset period", what))}};
      }
      rec.push_back(std::move(e));
    }
    out["sequence-recovery"] = std::move(rec);
  }
  if (!encodings.empty()) {
    json ids = json::array();
    for (const auto& [key, e] : encodings)
      ids.push_back({{"port", config.ports[key.first].name},
                     {"direction-out-facing", key.second},
                     {"stream", e.handles},
                     {"active", e.active},
                     {"encapsulation", {{"r-tag", json::object()}}}});
    out["sequence-identification"] = std::move(ids);
  }
  return out;
}

}  // namespace

StreamGateLimits stream_gate_limits(const model::Profile& profile) {
  StreamGateLimits l;
  l.supported_list_max = u32(profile.max_gcl_entries, "supported-list-max");
  l.supported_cycle_max = profile.max_cycle_time;
  // No single entry can outlast the longest cycle the hardware accepts.
  l.supported_interval_max = static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(profile.max_cycle_time.count(), 0, std::numeric_limits<std::uint32_t>::max()));
  return l;
}

std::string yang_mac_address(const MacAddress& mac) {
  const auto& o = mac.octets;
  return fmt::format("{:02X}-{:02X}-{:02X}-{:02X}-{:02X}-{:02X}", o[0], o[1], o[2], o[3], o[4], o[5]);
}

std::vector<StreamHandleAssignment> stream_handles(const bridge::BridgeConfig& config) {
  std::vector<StreamHandleAssignment> out;
  std::vector<StreamHandleAssignment> extra;
  const auto n = static_cast<std::uint32_t>(config.streams.size());
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string& name = config.streams[i].name;
    std::vector<std::string> ports;
    for (const auto& f : config.protection.stream_filters)
      if (f.stream == name && std::find(ports.begin(), ports.end(), f.port) == ports.end()) ports.push_back(f.port);
    if (ports.empty()) {
      out.push_back({name, i, port_names(config)});
      continue;
    }
    out.push_back({name, i, {ports.front()}});
    for (std::size_t k = 1; k < ports.size(); ++k)
      extra.push_back({name, n + static_cast<std::uint32_t>(extra.size()), {ports[k]}});
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

json stream_protection_yang(const bridge::BridgeConfig& config, const ProtectionYangOptions& options) {
  json doc = json::object();
  if (config.streams.empty() && config.protection.empty()) return doc;
  const Handles handles{stream_handles(config)};
  const auto& p = config.protection;
  if (!p.stream_filters.empty()) {
    if (config.bridge.empty() || config.bridge.size() > kMaxNameLength)
      throw std::range_error(fmt::format("bridge name '{}' does not fit the YANG name-type (1 to {} characters)",
                                         config.bridge, kMaxNameLength));
    json component{{"name", config.bridge}, {"type", "ieee802-dot1q-bridge:c-vlan-component"}};
    component.update(psfp_component(config, handles, options.limits));
    doc["ieee802-dot1q-bridge:bridges"] = {
        {"bridge", json::array({{{"name", config.bridge},
                                 {"address", options.bridge_address},
                                 {"bridge-type", "ieee802-dot1q-bridge:customer-vlan-bridge"},
                                 {"component", json::array({std::move(component)})}}})}};
  }
  if (!handles.assignments.empty())
    doc["ieee802-dot1cb-stream-identification:stream-identity"] = stream_identities(config, handles);
  if (!p.sequence_generation.empty() || !p.sequence_recovery.empty())
    doc["ieee802-dot1cb-frer:frer"] = frer(config, handles);
  return doc;
}

std::vector<std::string> stream_protection_modules() {
  // ieee802-dot1q-psfp defines the set-gate-and-ipv identity the gate lists use, so it must be
  // implemented, not only imported.
  return {"ieee802-dot1q-psfp-bridge.yang", "ieee802-dot1q-psfp.yang", "ieee802-dot1cb-stream-identification.yang",
          "ieee802-dot1cb-frer.yang"};
}

std::vector<std::string> stream_protection_features() {
  return {"ieee802-dot1q-psfp-bridge:psfp", "ieee802-dot1q-psfp:psfp"};
}

}  // namespace takt::exporter
