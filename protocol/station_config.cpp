#include "protocol/station_config.hpp"

#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/file_text.hpp"
#include "common/ip_address_text.hpp"
#include "dataplane/core/config_error.hpp"
#include "dataplane/core/wire.hpp"
#include "protocol/bounded_json.hpp"
#include "protocol/json_node.hpp"

namespace takt::station {

namespace {

using nlohmann::json;
using Node = JsonNode;

// Far beyond any stream a plan schedules (a port's cycle is at most seconds), small enough that
// offset + window arithmetic stays far inside int64.
constexpr std::int64_t kMaxNs = 86'400'000'000'000;  // a day
constexpr std::int64_t kMaxFramesPerInterval = 1'000'000;
// The largest frame any profile carries (16000 B of MAC client data) with header, two tags and
// an R-TAG stays below this.
constexpr std::int64_t kMaxFrameBytes = 65'535;
// As a bridge's flow meter accepts them (bridge_config_json.cpp, flow_meter.hpp).
constexpr std::int64_t kMaxRateBps = 1'000'000'000'000;
constexpr std::int64_t kMaxBurstBytes = 1'000'000'000;
constexpr std::size_t kMaxPlantNameBytes = 1024;

// The plant's name rule (control/model/name_rule.hpp), restated because protocol/ sits below
// control/: takt-station makes map keys, metric labels and pinned-object paths of these names.
bool allowed_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name.front() == '.') return false;
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

std::string name(const Node& n) {
  const std::string s = n.string();
  if (!allowed_name(s))
    n.fail(fmt::format("\"{}\" is not a plant name: 1-{} letters, digits, '-', '_' or '.', not starting with '.'",
                       text_excerpt(s, 80), kMaxNameLength));
  return s;
}

// A JSON integer (not 1.0, not "1") within min..max; `what` says in words what the range is.
std::int64_t whole(const Node& n, std::int64_t min, std::int64_t max, std::string_view what) {
  if (!n.value.is_number_integer()) n.fail(fmt::format("expected a whole number, got {}", json_excerpt(n.value)));
  if (n.value.is_number_unsigned() && n.value.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    n.fail(fmt::format("{} is not {} ({}..{})", n.value.get<std::uint64_t>(), what, min, max));
  const auto v = n.value.get<std::int64_t>();
  if (v < min || v > max) n.fail(fmt::format("{} is not {} ({}..{})", v, what, min, max));
  return v;
}

Nanos nanos(const Node& n, std::int64_t min, std::int64_t max, std::string_view what) {
  return Nanos{whole(n, min, max, what)};
}

std::optional<StreamKind> kind_of(std::string_view s) {
  if (s == "scheduled") return StreamKind::scheduled;
  if (s == "bounded") return StreamKind::bounded;
  if (s == "best-effort") return StreamKind::best_effort;
  return std::nullopt;
}

IpAddress ip_address(const Node& n) {
  const std::string s = n.string();
  const auto octets = parse_ip_address(s);
  if (!octets) n.fail(fmt::format("\"{}\" is not an IP address (write 10.0.0.2 or fd00::2)", text_excerpt(s, 60)));
  return IpAddress{*octets};
}

IpIdentification read_ip(const Node& n) {
  if (!n.value.is_object()) n.fail(fmt::format("expected an object, got {}", json_excerpt(n.value)));
  IpIdentification ip;
  ip.destination = ip_address(n["destination"]);
  if (n.has("source")) {
    ip.source = ip_address(n["source"]);
    if (ip.source->is_v4_mapped() != ip.destination.is_v4_mapped())
      n["source"].fail("source and destination must both be IPv4 or both IPv6");
  }
  const Node protocol = n["protocol"];
  const std::string p = protocol.string();
  if (p == "udp")
    ip.protocol = kIpProtoUdp;
  else if (p == "tcp")
    ip.protocol = kIpProtoTcp;
  else
    protocol.fail(fmt::format("\"{}\" is not a protocol IP stream identification takes (\"udp\" or \"tcp\")",
                              text_excerpt(p, 20)));
  if (n.has("source-port")) ip.source_port = static_cast<std::uint16_t>(whole(n["source-port"], 0, 65'535, "a port"));
  if (n.has("destination-port"))
    ip.destination_port = static_cast<std::uint16_t>(whole(n["destination-port"], 0, 65'535, "a port"));
  if (n.has("dscp")) ip.dscp = static_cast<std::uint8_t>(whole(n["dscp"], 0, 63, "a DSCP"));
  return ip;
}

// What talks and listens have in common; the interval is read first, since offsets and windows
// are checked against it.
void read_stream(const Node& n, StationStream& s) {
  if (!n.value.is_object()) n.fail(fmt::format("expected an object, got {}", json_excerpt(n.value)));
  s.name = name(n["stream"]);
  const Node kind = n["traffic-class"];
  const std::string k = kind.string();
  const auto parsed = kind_of(k);
  if (!parsed)
    kind.fail(fmt::format("\"{}\" is not a traffic class (\"scheduled\", \"bounded\" or \"best-effort\")",
                          text_excerpt(k, 20)));
  s.kind = *parsed;
  s.interval = nanos(n["interval-ns"], 1, kMaxNs, "an interval in nanoseconds");
  s.frames_per_interval =
      static_cast<int>(whole(n["frames-per-interval"], 1, kMaxFramesPerInterval, "a number of frames"));
  s.max_frame_bytes =
      whole(n["max-frame-bytes"], kMinFrameBytes - kFcsBytes, kMaxFrameBytes, "a frame size without FCS in bytes");
  s.destination = n["destination-mac"].mac();
  s.vlan = static_cast<std::uint16_t>(whole(n["vlan"], 1, 4094, "a VLAN id"));
  s.pcp = static_cast<std::uint8_t>(whole(n["pcp"], 0, 7, "a priority"));
  s.max_latency = nanos(n["max-latency-ns"], 0, kMaxNs, "a latency in nanoseconds");
  if (n.has("ip")) s.ip = read_ip(n["ip"]);
}

// A planned offset and its window: only scheduled streams have one, and then both lie in the
// interval (the window may run past the interval's end into the next one, but is never longer).
void read_timing(const Node& n, const StationStream& s, const char* offset_key, const char* window_key,
                 std::optional<Nanos>& offset, Nanos& window) {
  const std::int64_t interval = s.interval.count();
  if (n.has(offset_key)) {
    if (s.kind != StreamKind::scheduled)
      n[offset_key].fail(fmt::format("a {} stream has no planned window; only scheduled streams have {}",
                                     to_string(s.kind), offset_key));
    offset = nanos(n[offset_key], 0, interval - 1, "inside the interval");
  } else if (s.kind == StreamKind::scheduled) {
    n.fail(fmt::format("missing \"{}\": a scheduled stream has a planned offset", offset_key));
  }
  window = nanos(n[window_key], offset ? 1 : 0, interval, "a window inside the interval");
}

std::vector<std::string> read_listeners(const Node& n, const std::string& station) {
  std::vector<std::string> out;
  const std::size_t count = n.array_size();
  if (count == 0) n.fail("a stream has at least one listener");
  if (count > kMaxListenersPerStream)
    n.fail(fmt::format("{} listeners; a stream may have at most {}", count, kMaxListenersPerStream));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < count; ++i) {
    const Node e = n.at(i);
    std::string l = name(e);
    if (l == station) e.fail(fmt::format("{} is this end station, which talks the stream", l));
    if (!seen.insert(l).second) e.fail(fmt::format("{} is listed twice", l));
    out.push_back(std::move(l));
  }
  return out;
}

// Everything that must be told apart at the station is unique: stream names over both lists,
// and per list the wire identification (destination MAC, VLAN) and the IP identification.
class Uniqueness {
 public:
  void add(const Node& n, const StationStream& s, bool talks) {
    if (auto [it, fresh] = names_.emplace(s.name, n.pointer); !fresh)
      n["stream"].fail(fmt::format("stream {} is already at {}", s.name, it->second));
    auto& wire = talks ? talk_wire_ : listen_wire_;
    if (auto [it, fresh] = wire.emplace(std::pair{s.destination.to_u64(), s.vlan}, n.pointer); !fresh)
      n["destination-mac"].fail(fmt::format("{} on VLAN {} already identifies the stream at {}",
                                            s.destination.to_string(), s.vlan, it->second));
    if (!talks || !s.ip) return;
    for (const auto& [ip, at] : talk_ip_)
      if (ip == *s.ip) n["ip"].fail(fmt::format("the same IP identification as the stream at {}", at));
    talk_ip_.emplace_back(*s.ip, n.pointer);
  }

 private:
  std::map<std::string, std::string> names_;  // name -> pointer
  std::map<std::pair<std::uint64_t, std::uint16_t>, std::string> talk_wire_, listen_wire_;
  std::vector<std::pair<IpIdentification, std::string>> talk_ip_;
};

std::size_t bounded_count(const Node& list) {
  const std::size_t count = list.array_size();
  if (count > kMaxStationStreams)
    list.fail(
        fmt::format("{} streams; an end station may have at most {} in each direction", count, kMaxStationStreams));
  return count;
}

nlohmann::ordered_json write_ip(const IpIdentification& ip) {
  nlohmann::ordered_json j{{"destination", ip_address_text(ip.destination.bytes)}};
  if (ip.source) j["source"] = ip_address_text(ip.source->bytes);
  j["protocol"] = ip.protocol == kIpProtoTcp ? "tcp" : "udp";
  if (ip.source_port) j["source-port"] = *ip.source_port;
  if (ip.destination_port) j["destination-port"] = *ip.destination_port;
  if (ip.dscp) j["dscp"] = *ip.dscp;
  return j;
}

nlohmann::ordered_json write_stream(const StationStream& s) {
  nlohmann::ordered_json j{{"stream", s.name},
                           {"traffic-class", to_string(s.kind)},
                           {"interval-ns", s.interval.count()},
                           {"frames-per-interval", s.frames_per_interval},
                           {"max-frame-bytes", s.max_frame_bytes},
                           {"destination-mac", s.destination.to_string()},
                           {"vlan", s.vlan},
                           {"pcp", s.pcp},
                           {"max-latency-ns", s.max_latency.count()}};
  if (s.ip) j["ip"] = write_ip(*s.ip);
  return j;
}

}  // namespace

const char* to_string(StreamKind kind) {
  switch (kind) {
    case StreamKind::scheduled:
      return "scheduled";
    case StreamKind::bounded:
      return "bounded";
    case StreamKind::best_effort:
      return "best-effort";
  }
  return "scheduled";
}

nlohmann::ordered_json to_json(const StationConfig& config) {
  nlohmann::ordered_json talks = nlohmann::ordered_json::array();
  for (const auto& t : config.talks) {
    nlohmann::ordered_json j = write_stream(t);
    if (t.offset) j["offset-ns"] = t.offset->count();
    j["window-ns"] = t.window.count();
    j["committed-information-rate-bps"] = t.committed_information_rate_bps;
    j["committed-burst-bytes"] = t.committed_burst_bytes;
    j["listeners"] = t.listeners;
    talks.push_back(std::move(j));
  }
  nlohmann::ordered_json listens = nlohmann::ordered_json::array();
  for (const auto& l : config.listens) {
    nlohmann::ordered_json j = write_stream(l);
    j["talker"] = l.talker;
    if (l.arrival_offset) j["arrival-offset-ns"] = l.arrival_offset->count();
    j["arrival-window-ns"] = l.arrival_window.count();
    listens.push_back(std::move(j));
  }
  return {{"format", kStationConfigFormat}, {"plant", config.plant},
          {"end-station", config.station},  {"sync-error-budget-ns", config.sync_error_budget.count()},
          {"talks", std::move(talks)},      {"listens", std::move(listens)}};
}

StationConfig station_config_from_json(const json& document) {
  const Node root{document, ""};
  if (!document.is_object()) root.fail(fmt::format("expected an object, got {}", json_excerpt(document)));
  const Node format = root["format"];
  if (const std::string f = format.string(); f != kStationConfigFormat)
    format.fail(fmt::format("this is \"{}\"; takt-station reads \"{}\"", text_excerpt(f, 40), kStationConfigFormat));
  StationConfig c;
  const Node plant = root["plant"];
  c.plant = plant.string();
  if (c.plant.size() > kMaxPlantNameBytes)
    plant.fail(fmt::format("{} bytes; a plant name here has at most {}", c.plant.size(), kMaxPlantNameBytes));
  c.station = name(root["end-station"]);
  c.sync_error_budget = nanos(root["sync-error-budget-ns"], 0, kMaxNs, "a time error budget in nanoseconds");

  Uniqueness unique;
  const Node talks = root["talks"];
  const std::size_t talk_count = bounded_count(talks);
  for (std::size_t i = 0; i < talk_count; ++i) {
    const Node n = talks.at(i);
    TalkerStream t;
    read_stream(n, t);
    read_timing(n, t, "offset-ns", "window-ns", t.offset, t.window);
    t.committed_information_rate_bps =
        whole(n["committed-information-rate-bps"], 1, kMaxRateBps, "a committed information rate in bit/s");
    t.committed_burst_bytes = whole(n["committed-burst-bytes"], 1, kMaxBurstBytes, "a committed burst in bytes");
    if (t.committed_burst_bytes < t.max_frame_bytes)
      n["committed-burst-bytes"].fail(fmt::format("{} is below max-frame-bytes {}: no frame of the stream would pass",
                                                  t.committed_burst_bytes, t.max_frame_bytes));
    t.listeners = read_listeners(n["listeners"], c.station);
    unique.add(n, t, true);
    c.talks.push_back(std::move(t));
  }
  const Node listens = root["listens"];
  const std::size_t listen_count = bounded_count(listens);
  for (std::size_t i = 0; i < listen_count; ++i) {
    const Node n = listens.at(i);
    ListenerStream l;
    read_stream(n, l);
    l.talker = name(n["talker"]);
    if (l.talker == c.station)
      n["talker"].fail(fmt::format("{} is this end station, which listens to the stream", l.talker));
    read_timing(n, l, "arrival-offset-ns", "arrival-window-ns", l.arrival_offset, l.arrival_window);
    unique.add(n, l, false);
    c.listens.push_back(std::move(l));
  }
  return c;
}

StationConfig load_station_config(const std::string& path) {
  auto text = read_file_text(path, kMaxStationConfigBytes);
  if (!text)
    throw ConfigError(text.error().hint.empty() ? text.error().message
                                                : fmt::format("{} ({})", text.error().message, text.error().hint));
  json j;
  try {
    j = parse_bounded_json(*text);
  } catch (const JsonLimitError& e) {
    throw ConfigError(fmt::format("{}: refused: {}", path, e.what()));
  } catch (const json::parse_error& e) {
    throw ConfigError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  try {
    return station_config_from_json(j);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace takt::station
