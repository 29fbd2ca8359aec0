#include "protocol/bridge_config_json.hpp"

#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

#include "dataplane/core/config_error.hpp"
#include "protocol/bounded_json.hpp"
#include "protocol/gate_control_entry_json.hpp"
#include "protocol/json_node.hpp"

namespace takt::bridge {

namespace {

using nlohmann::json;

using Node = JsonNode;

constexpr std::uint64_t kU8 = 0xFF, kU32 = 0xFFFF'FFFF;
constexpr std::int64_t kI32 = std::numeric_limits<std::int32_t>::max();

std::string strip_module(const std::string& identity) {
  const auto colon = identity.find(':');
  return colon == std::string::npos ? identity : identity.substr(colon + 1);
}

GateParameterTable read_gates(const Node& n) {
  GateParameterTable g;
  g.gate_enabled = n["gate-enabled"].boolean();
  if (n.has("admin-gate-states"))
    g.admin_gate_states = static_cast<std::uint8_t>(n["admin-gate-states"].unsigned_in(kU8));
  if (n.has("admin-control-list")) {
    const Node written = n["admin-control-list"];
    const Node list = written.value.is_object() ? written["gate-control-entry"] : written;
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const Node e = list.at(i);
      GateControlEntry entry;
      entry.index = static_cast<std::uint32_t>(e["index"].unsigned_in(kU32));
      entry.operation_name = e.has("operation-name") ? strip_module(e["operation-name"].string()) : kSetGateStates;
      entry.time_interval_value = static_cast<std::uint32_t>(e["time-interval-value"].unsigned_in(kU32));
      entry.gate_states_value = static_cast<std::uint8_t>(e["gate-states-value"].unsigned_in(kU8));
      g.admin_control_list.push_back(std::move(entry));
    }
  }
  if (n.has("admin-cycle-time")) {
    const Node c = n["admin-cycle-time"];
    g.admin_cycle_time = {c["numerator"].signed_in(0, kI32), c["denominator"].signed_in(1, kI32)};
  }
  if (n.has("admin-cycle-time-extension"))
    g.admin_cycle_time_extension = static_cast<std::uint32_t>(n["admin-cycle-time-extension"].unsigned_in(kU32));
  if (n.has("admin-base-time")) {
    const Node b = n["admin-base-time"];
    g.admin_base_time = {b["seconds"].unsigned_in(0xFFFF'FFFF'FFFFULL),  // uint48
                         static_cast<std::uint32_t>(b["nanoseconds"].unsigned_in(999'999'999))};
  }
  if (n.has("config-change")) g.config_change = n["config-change"].boolean();
  if (g.gate_enabled) {
    try {
      (void)gate_control_list(g);
    } catch (const ConfigError& e) {
      n.fail(e.what());
    }
  }
  return g;
}

BridgePort read_port(const Node& n) {
  BridgePort p;
  p.name = n["name"].string();
  p.link_rate_bps = n["link-rate-bps"].signed_in(1, std::numeric_limits<std::int64_t>::max());
  if (n.has("priority-to-traffic-class")) {
    const Node m = n["priority-to-traffic-class"];
    if (m.array_size() != 8) m.fail("expected 8 traffic classes, one per priority 0..7");
    for (std::size_t pcp = 0; pcp < 8; ++pcp)
      p.priority_to_traffic_class[pcp] = static_cast<std::uint8_t>(m.at(pcp).unsigned_in(7));
  }
  if (n.has("gate-parameter-table")) p.gates = read_gates(n["gate-parameter-table"]);
  if (n.has("active-topology")) p.active_topology = n["active-topology"].boolean();
  if (n.has("max-frame-bytes")) p.max_frame_bytes = static_cast<std::uint32_t>(n["max-frame-bytes"].unsigned_in(kU32));
  return p;
}

json write_gates(const GateParameterTable& g) {
  json entries = json::array();
  for (const auto& e : g.admin_control_list)
    entries.push_back(
        gate_control_entry_json<json>(e.index, e.operation_name, e.time_interval_value, e.gate_states_value));
  return {{"gate-enabled", g.gate_enabled},
          {"admin-gate-states", g.admin_gate_states},
          {"admin-control-list", {{"gate-control-entry", entries}}},
          {"admin-cycle-time",
           {{"numerator", g.admin_cycle_time.numerator}, {"denominator", g.admin_cycle_time.denominator}}},
          {"admin-cycle-time-extension", g.admin_cycle_time_extension},
          {"admin-base-time",
           {{"seconds", std::to_string(g.admin_base_time.seconds)}, {"nanoseconds", g.admin_base_time.nanoseconds}}},
          {"config-change", g.config_change}};
}

// A stream gate's gate-parameter-table: gate states are "open" / "closed" (YANG
// stream-gate-state-type) and entries set-gate-and-ipv, as ieee802-dot1q-psfp writes them.
bool gate_state(const Node& n) {
  const std::string s = n.string();
  if (s == "open") return true;
  if (s == "closed") return false;
  n.fail("expected \"open\" or \"closed\", got \"" + text_excerpt(s, 20) + "\"");
}

StreamGate read_stream_gate(const Node& n) {
  StreamGate g;
  GateParameterTable& t = g.schedule;
  t.gate_enabled = n["gate-enabled"].boolean();
  if (n.has("admin-gate-states")) t.admin_gate_states = gate_state(n["admin-gate-states"]) ? 1 : 0;
  if (n.has("admin-control-list")) {
    const Node list = n["admin-control-list"];
    for (std::size_t i = 0; i < list.array_size(); ++i) {
      const Node e = list.at(i);
      GateControlEntry entry;
      entry.index = static_cast<std::uint32_t>(e["index"].unsigned_in(kU32));
      entry.operation_name = e.has("operation-name") ? strip_module(e["operation-name"].string()) : kSetGateAndIpv;
      entry.time_interval_value = static_cast<std::uint32_t>(e["time-interval-value"].unsigned_in(kU32));
      entry.gate_states_value = gate_state(e["gate-state-value"]) ? 1 : 0;
      t.admin_control_list.push_back(std::move(entry));
    }
  }
  if (n.has("admin-cycle-time")) {
    const Node c = n["admin-cycle-time"];
    t.admin_cycle_time = {c["numerator"].signed_in(0, kI32), c["denominator"].signed_in(1, kI32)};
  }
  if (n.has("admin-cycle-time-extension"))
    t.admin_cycle_time_extension = static_cast<std::uint32_t>(n["admin-cycle-time-extension"].unsigned_in(kU32));
  if (n.has("admin-base-time")) {
    const Node b = n["admin-base-time"];
    t.admin_base_time = {b["seconds"].unsigned_in(0xFFFF'FFFF'FFFFULL),
                         static_cast<std::uint32_t>(b["nanoseconds"].unsigned_in(999'999'999))};
  }
  if (n.has("config-change")) t.config_change = n["config-change"].boolean();
  if (n.has("gate-closed-due-to-invalid-rx-enable"))
    g.gate_closed_due_to_invalid_rx_enable = n["gate-closed-due-to-invalid-rx-enable"].boolean();
  // admin-ipv: a priority, or null (absent) for the frame's own.
  if (n.has("ipv") && !n["ipv"].value.is_null()) {
    const Node ipv = n["ipv"];
    if (!ipv.value.is_number_integer()) ipv.fail("expected a priority 0..7 or null, got " + json_excerpt(ipv.value));
    g.ipv = static_cast<std::uint8_t>(ipv.signed_in(0, 7));
  }
  return g;
}

json write_stream_gate(const StreamGate& g) {
  const GateParameterTable& t = g.schedule;
  json entries = json::array();
  for (const auto& e : t.admin_control_list)
    entries.push_back({{"index", e.index},
                       {"operation-name", e.operation_name},
                       {"gate-state-value", e.gate_states_value ? "open" : "closed"},
                       {"time-interval-value", e.time_interval_value}});
  json j = {{"gate-enabled", t.gate_enabled},
            {"admin-gate-states", t.admin_gate_states ? "open" : "closed"},
            {"admin-control-list", entries},
            {"admin-cycle-time",
             {{"numerator", t.admin_cycle_time.numerator}, {"denominator", t.admin_cycle_time.denominator}}},
            {"admin-cycle-time-extension", t.admin_cycle_time_extension},
            {"admin-base-time",
             {{"seconds", std::to_string(t.admin_base_time.seconds)}, {"nanoseconds", t.admin_base_time.nanoseconds}}},
            {"config-change", t.config_change},
            {"gate-closed-due-to-invalid-rx-enable", g.gate_closed_due_to_invalid_rx_enable}};
  if (g.ipv) j["ipv"] = *g.ipv;
  return j;
}

// Rates in bit/s and sizes in octets, as ieee802-dot1q-psfp's flow-meter-instance-table.
FlowMeterConfig read_meter(const Node& n) {
  constexpr std::uint64_t kMaxRate = 1'000'000'000'000, kMaxBurst = 1'000'000'000;
  FlowMeterConfig m;
  m.committed_information_rate_bps = static_cast<std::int64_t>(n["committed-information-rate"].unsigned_in(kMaxRate));
  m.committed_burst_size_bytes = static_cast<std::int64_t>(n["committed-burst-size"].unsigned_in(kMaxBurst));
  if (n.has("excess-information-rate"))
    m.excess_information_rate_bps = static_cast<std::int64_t>(n["excess-information-rate"].unsigned_in(kMaxRate));
  if (n.has("excess-burst-size"))
    m.excess_burst_size_bytes = static_cast<std::int64_t>(n["excess-burst-size"].unsigned_in(kMaxBurst));
  if (n.has("drop-on-yellow")) m.drop_on_yellow = n["drop-on-yellow"].boolean();
  if (n.has("mark-all-frames-red-enable")) m.mark_all_frames_red_enable = n["mark-all-frames-red-enable"].boolean();
  return m;
}

json write_meter(const FlowMeterConfig& m) {
  return {{"committed-information-rate", m.committed_information_rate_bps},
          {"committed-burst-size", m.committed_burst_size_bytes},
          {"excess-information-rate", m.excess_information_rate_bps},
          {"excess-burst-size", m.excess_burst_size_bytes},
          {"drop-on-yellow", m.drop_on_yellow},
          {"mark-all-frames-red-enable", m.mark_all_frames_red_enable}};
}

SequenceRecoveryEntry read_recovery(const Node& n) {
  constexpr std::uint64_t kMaxNs = 3'600'000'000'000;  // an hour
  SequenceRecoveryEntry r;
  r.stream = n["stream"].string();
  SequenceRecoveryConfig& c = r.recovery;
  if (n.has("algorithm")) {
    const Node a = n["algorithm"];
    const std::string name = strip_module(a.string());
    if (name == "vector")
      c.algorithm = RecoveryAlgorithm::vector;
    else if (name == "match")
      c.algorithm = RecoveryAlgorithm::match;
    else
      a.fail("expected \"vector\" or \"match\", got \"" + text_excerpt(name, 20) + "\"");
  }
  if (n.has("history-length"))
    c.history_length = static_cast<int>(n["history-length"].unsigned_in(kMaxRecoveryHistory));
  if (n.has("reset-timeout"))
    c.reset_timeout = Nanos{static_cast<std::int64_t>(n["reset-timeout"].unsigned_in(kMaxNs))};
  if (n.has("take-no-sequence")) c.take_no_sequence = n["take-no-sequence"].boolean();
  if (n.has("individual-recovery")) r.individual_recovery = n["individual-recovery"].boolean();
  if (n.has("latent-error-detection")) {
    const Node l = n["latent-error-detection"];
    c.latent.enabled = true;
    c.latent.paths = static_cast<int>(l["paths"].unsigned_in(255));
    c.latent.difference = static_cast<std::int64_t>(l["difference"].unsigned_in(kU32));
    c.latent.period = Nanos{static_cast<std::int64_t>(l["period"].unsigned_in(kMaxNs))};
    c.latent.reset_period = Nanos{static_cast<std::int64_t>(l["reset-period"].unsigned_in(kMaxNs))};
  }
  return r;
}

json write_recovery(const SequenceRecoveryEntry& r) {
  const SequenceRecoveryConfig& c = r.recovery;
  json j = {{"stream", r.stream},
            {"algorithm", c.algorithm == RecoveryAlgorithm::vector ? "vector" : "match"},
            {"history-length", c.history_length},
            {"reset-timeout", c.reset_timeout.count()},
            {"take-no-sequence", c.take_no_sequence},
            {"individual-recovery", r.individual_recovery}};
  if (c.latent.enabled)
    j["latent-error-detection"] = {{"paths", c.latent.paths},
                                   {"difference", c.latent.difference},
                                   {"period", c.latent.period.count()},
                                   {"reset-period", c.latent.reset_period.count()}};
  return j;
}

StreamProtection read_protection(const Node& root) {
  StreamProtection p;
  if (root.has("stream-filters")) {
    const Node filters = root["stream-filters"];
    for (std::size_t i = 0; i < filters.array_size(); ++i) {
      const Node e = filters.at(i);
      StreamFilterEntry f;
      f.stream = e["stream"].string();
      f.port = e["port"].string();
      if (e.has("priority") && !e["priority"].value.is_null())
        f.priority = static_cast<std::uint8_t>(e["priority"].unsigned_in(7));
      if (e.has("max-sdu-size")) f.max_sdu_size = static_cast<std::uint32_t>(e["max-sdu-size"].unsigned_in(kU32));
      if (e.has("stream-blocked-due-to-oversize-frame-enable"))
        f.stream_blocked_due_to_oversize_frame_enable = e["stream-blocked-due-to-oversize-frame-enable"].boolean();
      if (e.has("stream-gate")) f.gate = read_stream_gate(e["stream-gate"]);
      if (e.has("flow-meter")) f.meter = read_meter(e["flow-meter"]);
      p.stream_filters.push_back(std::move(f));
    }
  }
  if (root.has("frer")) {
    const Node frer = root["frer"];
    if (frer.has("sequence-generation")) {
      const Node g = frer["sequence-generation"];
      for (std::size_t i = 0; i < g.array_size(); ++i) p.sequence_generation.push_back(g.at(i)["stream"].string());
    }
    if (frer.has("sequence-recovery")) {
      const Node r = frer["sequence-recovery"];
      for (std::size_t i = 0; i < r.array_size(); ++i) p.sequence_recovery.push_back(read_recovery(r.at(i)));
    }
  }
  return p;
}

void write_protection(const StreamProtection& p, json& out) {
  json filters = json::array();
  for (const auto& f : p.stream_filters) {
    json j = {{"stream", f.stream},
              {"port", f.port},
              {"priority", f.priority ? json(*f.priority) : json(nullptr)},
              {"max-sdu-size", f.max_sdu_size},
              {"stream-blocked-due-to-oversize-frame-enable", f.stream_blocked_due_to_oversize_frame_enable}};
    if (f.gate) j["stream-gate"] = write_stream_gate(*f.gate);
    if (f.meter) j["flow-meter"] = write_meter(*f.meter);
    filters.push_back(std::move(j));
  }
  json generation = json::array();
  for (const auto& name : p.sequence_generation) generation.push_back({{"stream", name}});
  json recovery = json::array();
  for (const auto& r : p.sequence_recovery) recovery.push_back(write_recovery(r));
  out["stream-filters"] = std::move(filters);
  out["frer"] = {{"sequence-generation", std::move(generation)}, {"sequence-recovery", std::move(recovery)}};
}

}  // namespace

BridgeConfig bridge_config_from_json(const json& j) {
  const Node root{j, ""};
  const std::string format = root["format"].string();
  if (format != kBridgeConfigFormat)
    root["format"].fail("this is \"" + text_excerpt(format, 40) + "\"; takt-dataplane reads \"" + kBridgeConfigFormat +
                        "\"");
  BridgeConfig c;
  c.bridge = root["bridge"].string();
  const Node ports = root["ports"];
  for (std::size_t i = 0; i < ports.array_size(); ++i) c.ports.push_back(read_port(ports.at(i)));
  if (root.has("static-fdb")) {
    const Node fdb = root["static-fdb"];
    for (std::size_t i = 0; i < fdb.array_size(); ++i) {
      const Node e = fdb.at(i);
      StaticFdbEntry f;
      f.destination = e["destination-mac"].mac();
      f.vlan = static_cast<std::uint16_t>(e["vlan"].unsigned_in(4094));
      const Node names = e["ports"];
      for (std::size_t k = 0; k < names.array_size(); ++k) f.ports.push_back(names.at(k).string());
      c.static_fdb.push_back(std::move(f));
    }
  }
  if (root.has("streams")) {
    const Node streams = root["streams"];
    for (std::size_t i = 0; i < streams.array_size(); ++i) {
      const Node e = streams.at(i);
      StreamEntry s;
      s.name = e["name"].string();
      s.destination = e["destination-mac"].mac();
      s.vlan = static_cast<std::uint16_t>(e["vlan"].unsigned_in(4094));
      s.max_latency = Nanos{static_cast<std::int64_t>(e["max-latency"].unsigned_in(kU32))};
      s.traffic_class = static_cast<int>(e["traffic-class"].unsigned_in(7));
      c.streams.push_back(std::move(s));
    }
  }
  c.protection = read_protection(root);
  validate(c);
  return c;
}

json to_json(const BridgeConfig& c) {
  json ports = json::array();
  for (const auto& p : c.ports) {
    ports.push_back({{"name", p.name},
                     {"link-rate-bps", p.link_rate_bps},
                     {"priority-to-traffic-class", p.priority_to_traffic_class},
                     {"gate-parameter-table", write_gates(p.gates)}});
    if (!p.active_topology) ports.back()["active-topology"] = false;
    if (p.max_frame_bytes != 0) ports.back()["max-frame-bytes"] = p.max_frame_bytes;
  }
  json fdb = json::array();
  for (const auto& f : c.static_fdb)
    fdb.push_back({{"destination-mac", f.destination.to_string()}, {"vlan", f.vlan}, {"ports", f.ports}});
  json streams = json::array();
  for (const auto& s : c.streams)
    streams.push_back({{"name", s.name},
                       {"destination-mac", s.destination.to_string()},
                       {"vlan", s.vlan},
                       {"max-latency", s.max_latency.count()},
                       {"traffic-class", s.traffic_class}});
  json out = {{"format", kBridgeConfigFormat},
              {"bridge", c.bridge},
              {"ports", ports},
              {"static-fdb", fdb},
              {"streams", streams}};
  // Written only when there is something: a bridge file without protection stays as it was.
  if (!c.protection.empty()) write_protection(c.protection, out);
  return out;
}

BridgeConfig load_bridge_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path.string() + ": cannot open the bridge configuration");
  json j;
  try {
    std::ostringstream text;
    text << in.rdbuf();
    j = parse_bounded_json(text.str());
  } catch (const JsonLimitError& e) {
    throw ConfigError(path.string() + ": refused: " + e.what());
  } catch (const json::parse_error& e) {
    throw ConfigError(path.string() + ": not valid JSON: " + e.what());
  }
  try {
    return bridge_config_from_json(j);
  } catch (const ConfigError& e) {
    throw ConfigError(path.string() + ": " + e.what());
  }
}

void save_bridge_config(const std::filesystem::path& path, const BridgeConfig& config) {
  std::ofstream out(path);
  if (!out) throw ConfigError(path.string() + ": cannot write the bridge configuration");
  out << to_json(config).dump(2) << '\n';
  if (!out) throw ConfigError(path.string() + ": write failed");
}

}  // namespace takt::bridge
