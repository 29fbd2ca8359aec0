#include "dataplane/agent/bridge_config.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "dataplane/agent/yang_values.hpp"

namespace takt::agent {

namespace {

using nlohmann::json;

constexpr const char* kSetGateStates = "ieee802-dot1q-sched:set-gate-states";
constexpr const char* kTable = "ieee802-dot1q-sched-bridge:gate-parameter-table";

// Refuses members the model does not have: a misspelt leaf silently ignored would install
// something other than what the sender meant.
void only_members(const json& j, const std::string& path, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) throw BodyError(path, fmt::format("expected an object, got {}", j.type_name()));
  for (const auto& [key, value] : j.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
      throw BodyError(path + "/" + key, "unknown member");
  }
}

const json& member(const json& j, const std::string& path, const char* name) {
  if (!j.contains(name)) throw BodyError(path + "/" + name, "missing");
  return j[name];
}

bool boolean(const json& j, const std::string& path) {
  if (!j.is_boolean()) throw BodyError(path, fmt::format("expected true or false, got {}", j.dump()));
  return j.get<bool>();
}

std::string text(const json& j, const std::string& path) {
  if (!j.is_string() || j.get_ref<const std::string&>().empty())
    throw BodyError(path, "expected a non-empty string");
  return j.get<std::string>();
}

MacAddress mac(const json& j, const std::string& path) {
  const auto parsed = MacAddress::parse(text(j, path));
  if (!parsed) throw BodyError(path, fmt::format("\"{}\" is not a MAC address like 01:80:c2:00:00:0e", j.get<std::string>()));
  return *parsed;
}

std::uint16_t vid(const json& j, const std::string& path) {
  return static_cast<std::uint16_t>(unsigned_from_json(j, path, 4094));
}

std::vector<GateControlEntry> control_list_from_json(const json& j, const std::string& path) {
  only_members(j, path, {"gate-control-entry"});
  std::vector<GateControlEntry> entries;
  if (!j.contains("gate-control-entry")) return entries;
  const json& list = j["gate-control-entry"];
  if (!list.is_array()) throw BodyError(path + "/gate-control-entry", "expected a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}/gate-control-entry/{}", path, i);
    const json& e = list[i];
    only_members(e, at, {"index", "operation-name", "gate-states-value", "time-interval-value"});
    const std::uint64_t index = unsigned_from_json(member(e, at, "index"), at + "/index", 0xFFFF'FFFFULL);
    if (index != i)
      throw BodyError(at + "/index", fmt::format("is {}, expected {}: entries run in index order from 0", index, i));
    const std::string op = text(member(e, at, "operation-name"), at + "/operation-name");
    if (op != kSetGateStates && op != "set-gate-states")
      throw BodyError(at + "/operation-name",
                      fmt::format("\"{}\" is not supported; this bridge executes {} only (no frame preemption)", op, kSetGateStates));
    GateControlEntry entry;
    entry.gate_states = static_cast<std::uint8_t>(unsigned_from_json(member(e, at, "gate-states-value"), at + "/gate-states-value", 0xFF));
    entry.time_interval = Nanos{static_cast<std::int64_t>(
        unsigned_from_json(member(e, at, "time-interval-value"), at + "/time-interval-value", kMaxGateIntervalNs))};
    entries.push_back(entry);
  }
  return entries;
}

}  // namespace

const PortSchedule* BridgeConfig::find_port(const std::string& name) const {
  for (const auto& p : ports)
    if (p.port == name) return &p;
  return nullptr;
}

PortSchedule gate_parameter_table_from_json(const json& j, const std::string& port, const std::string& path) {
  only_members(j, path,
               {"gate-enabled", "admin-gate-states", "admin-control-list", "admin-cycle-time", "admin-base-time",
                "admin-cycle-time-extension", "config-change"});
  PortSchedule p;
  p.port = port;
  p.gate_enabled = j.contains("gate-enabled") ? boolean(j["gate-enabled"], path + "/gate-enabled") : false;
  if (j.contains("admin-gate-states"))
    p.admin_gate_states = static_cast<std::uint8_t>(unsigned_from_json(j["admin-gate-states"], path + "/admin-gate-states", 0xFF));
  p.config_change = j.contains("config-change") ? boolean(j["config-change"], path + "/config-change") : true;
  if (j.contains("admin-control-list"))
    p.admin.entries = control_list_from_json(j["admin-control-list"], path + "/admin-control-list");
  if (j.contains("admin-cycle-time"))
    p.admin.cycle_time = rational_seconds_from_json(j["admin-cycle-time"], path + "/admin-cycle-time");
  if (j.contains("admin-base-time"))
    p.admin.base_time = ptp_time_from_json(j["admin-base-time"], path + "/admin-base-time");
  if (j.contains("admin-cycle-time-extension"))
    p.admin.cycle_time_extension = Nanos{static_cast<std::int64_t>(unsigned_from_json(
        j["admin-cycle-time-extension"], path + "/admin-cycle-time-extension", kMaxGateIntervalNs))};
  if (p.gate_enabled) {
    if (p.admin.entries.empty())
      throw BodyError(path + "/admin-control-list", "gate-enabled is true but the list has no gate-control-entry");
    if (p.admin.cycle_time.count() == 0) throw BodyError(path + "/admin-cycle-time", "missing or zero with gate-enabled true");
    // Same rules the gate engine applies at set_admin(), checked here so staging refuses what
    // commit could not apply.
    if (auto problem = validate(p.admin)) throw BodyError(path, *problem);
  }
  return p;
}

json gate_parameter_table_to_json(const PortSchedule& p) {
  json entries = json::array();
  for (std::size_t i = 0; i < p.admin.entries.size(); ++i) {
    const auto& e = p.admin.entries[i];
    entries.push_back({{"index", i},
                       {"operation-name", kSetGateStates},
                       {"gate-states-value", e.gate_states},
                       {"time-interval-value", e.time_interval.count()}});
  }
  return {{"gate-enabled", p.gate_enabled},
          {"admin-gate-states", p.admin_gate_states},
          {"admin-control-list", {{"gate-control-entry", entries}}},
          {"admin-cycle-time", rational_seconds_to_json(p.admin.cycle_time)},
          {"admin-base-time", ptp_time_to_json(p.admin.base_time)},
          {"admin-cycle-time-extension", p.admin.cycle_time_extension.count()},
          {"config-change", p.config_change}};
}

BridgeConfig bridge_config_from_json(const json& j) {
  only_members(j, "", {"format", "bridge", "ports", "fdb", "streams"});
  const std::string format = text(member(j, "", "format"), "/format");
  if (format != kBridgeConfigFormat)
    throw BodyError("/format", fmt::format("\"{}\" is not supported; expected \"{}\"", format, kBridgeConfigFormat));
  BridgeConfig c;
  c.bridge = text(member(j, "", "bridge"), "/bridge");

  const json& ports = member(j, "", "ports");
  if (!ports.is_array()) throw BodyError("/ports", "expected a list");
  std::set<std::string> names;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::string at = fmt::format("/ports/{}", i);
    only_members(ports[i], at, {"name", kTable});
    const std::string name = text(member(ports[i], at, "name"), at + "/name");
    if (!names.insert(name).second) throw BodyError(at + "/name", fmt::format("port \"{}\" appears twice", name));
    c.ports.push_back(gate_parameter_table_from_json(member(ports[i], at, kTable), name, at + "/" + kTable));
  }
  std::sort(c.ports.begin(), c.ports.end(), [](const auto& a, const auto& b) { return a.port < b.port; });

  if (j.contains("fdb")) {
    const json& fdb = j["fdb"];
    if (!fdb.is_array()) throw BodyError("/fdb", "expected a list");
    std::set<std::pair<std::uint64_t, std::uint16_t>> keys;
    for (std::size_t i = 0; i < fdb.size(); ++i) {
      const std::string at = fmt::format("/fdb/{}", i);
      only_members(fdb[i], at, {"address", "vid", "port"});
      FdbEntry e;
      e.address = mac(member(fdb[i], at, "address"), at + "/address");
      e.vid = vid(member(fdb[i], at, "vid"), at + "/vid");
      if (!keys.insert({e.address.to_u64(), e.vid}).second)
        throw BodyError(at, fmt::format("a second entry for {} VID {}", e.address.to_string(), e.vid));
      const json& list = member(fdb[i], at, "port");
      if (!list.is_array() || list.empty()) throw BodyError(at + "/port", "expected a non-empty list of port names");
      for (std::size_t k = 0; k < list.size(); ++k) {
        const std::string port = text(list[k], fmt::format("{}/port/{}", at, k));
        if (!names.contains(port))
          throw BodyError(fmt::format("{}/port/{}", at, k), fmt::format("port \"{}\" is not among /ports", port));
        e.ports.push_back(port);
      }
      c.fdb.push_back(std::move(e));
    }
  }
  if (j.contains("streams")) {
    const json& streams = j["streams"];
    if (!streams.is_array()) throw BodyError("/streams", "expected a list");
    std::set<std::string> stream_names;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      const std::string at = fmt::format("/streams/{}", i);
      only_members(streams[i], at, {"name", "destination-address", "vid", "pcp"});
      StreamEntry s;
      s.name = text(member(streams[i], at, "name"), at + "/name");
      if (!stream_names.insert(s.name).second) throw BodyError(at + "/name", fmt::format("stream \"{}\" appears twice", s.name));
      s.destination = mac(member(streams[i], at, "destination-address"), at + "/destination-address");
      s.vid = vid(member(streams[i], at, "vid"), at + "/vid");
      s.pcp = static_cast<int>(unsigned_from_json(streams[i].value("pcp", json(0)), at + "/pcp", 7));
      c.streams.push_back(std::move(s));
    }
  }
  return c;
}

json to_json(const BridgeConfig& c) {
  json ports = json::array();
  for (const auto& p : c.ports) ports.push_back({{"name", p.port}, {kTable, gate_parameter_table_to_json(p)}});
  json fdb = json::array();
  for (const auto& e : c.fdb) fdb.push_back({{"address", e.address.to_string()}, {"vid", e.vid}, {"port", e.ports}});
  json streams = json::array();
  for (const auto& s : c.streams)
    streams.push_back({{"name", s.name}, {"destination-address", s.destination.to_string()}, {"vid", s.vid}, {"pcp", s.pcp}});
  return {{"format", kBridgeConfigFormat}, {"bridge", c.bridge}, {"ports", ports}, {"fdb", fdb}, {"streams", streams}};
}

}  // namespace takt::agent
