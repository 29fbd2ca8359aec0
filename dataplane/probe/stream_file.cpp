#include "dataplane/probe/stream_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "protocol/bounded_json.hpp"

namespace takt::probe {

namespace {

using json = nlohmann::json;

class StreamReader {
 public:
  StreamReader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& member, const std::string& why) const {
    throw std::runtime_error(fmt::format("{}/{}: {}", where_, member, why));
  }

  const json* find(std::initializer_list<const char*> names) const {
    for (const char* n : names)
      if (auto it = j_.find(n); it != j_.end() && !it->is_null()) return &*it;
    return nullptr;
  }

  std::optional<std::int64_t> integer(std::initializer_list<const char*> names) const {
    const json* v = find(names);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer()) fail(*names.begin(), "must be an integer, found " + json_excerpt(*v));
    return v->get<std::int64_t>();
  }

  std::int64_t required_integer(std::initializer_list<const char*> names) const {
    auto v = integer(names);
    if (!v) fail(*names.begin(), "is missing");
    return *v;
  }

  std::optional<std::string> string(std::initializer_list<const char*> names) const {
    const json* v = find(names);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) fail(*names.begin(), "must be a string, found " + json_excerpt(*v));
    return v->get<std::string>();
  }

  bool flag(const char* name, bool fallback) const {
    const json* v = find({name});
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) fail(name, "must be true or false, found " + json_excerpt(*v));
    return v->get<bool>();
  }

 private:
  const json& j_;
  std::string where_;
};

ProbeStream stream_from(const json& j, const std::string& where, bool plan_format) {
  if (!j.is_object()) throw std::runtime_error(where + ": a stream must be an object, found " + json_excerpt(j));
  StreamReader r(j, where);
  ProbeStream s;
  auto name = r.string({"stream", "name"});
  if (!name || name->empty()) r.fail("stream", "names no stream (\"stream\" or \"name\" is missing or empty)");
  s.name = *name;
  s.id = probe_stream_id(s.name);

  s.interval = Nanos{r.required_integer({"interval-ns"})};
  if (s.interval <= Nanos{0}) r.fail("interval-ns", "must be positive");

  // plan.json always writes talker-offset-ns, meaningful only when the stream is timed.
  if (plan_format) {
    if (r.flag("timed", false)) s.offset = Nanos{r.required_integer({"talker-offset-ns"})};
  } else if (auto off = r.integer({"offset-ns", "talker-offset-ns"})) {
    s.offset = Nanos{*off};
  }
  if (s.offset && (*s.offset < Nanos{0} || *s.offset >= s.interval))
    r.fail("offset-ns", fmt::format("{} ns is outside the interval [0, {} ns)", s.offset->count(), s.interval.count()));

  s.frames_per_interval = static_cast<int>(r.integer({"frames-per-interval"}).value_or(1));
  if (s.frames_per_interval < 1) r.fail("frames-per-interval", "must be at least 1");

  s.payload_bytes = r.integer({"frame-payload-bytes", "frame-payload"}).value_or(0);
  if (s.payload_bytes < 0 || s.payload_bytes > 1500)
    r.fail("frame-payload-bytes", fmt::format("{} is not a payload size between 0 and 1500 bytes", s.payload_bytes));

  if (auto mac = r.string({"destination-mac"}); mac && !mac->empty()) {
    s.destination = MacAddress::parse(*mac);
    if (!s.destination) r.fail("destination-mac", "'" + *mac + "' is not a MAC address like 01:80:c2:00:00:0e");
  }

  s.vlan = static_cast<int>(r.integer({"vlan"}).value_or(0));
  if (s.vlan < 0 || s.vlan > 4094) r.fail("vlan", fmt::format("{} is not a VLAN id (0 = untagged, 1..4094)", s.vlan));
  s.pcp = static_cast<int>(r.integer({"pcp"}).value_or(0));
  if (s.pcp < 0 || s.pcp > 7) r.fail("pcp", fmt::format("{} is not a priority code point (0..7)", s.pcp));

  if (auto ml = r.integer({"max-latency-ns"}); ml && *ml > 0) s.max_latency = Nanos{*ml};
  return s;
}

}  // namespace

std::vector<ProbeStream> streams_from_json(const json& document, const std::string& origin) {
  if (!document.is_object()) throw std::runtime_error(origin + ": expected a JSON object with a \"streams\" array");
  const bool plan_format = document.value("format", std::string()).starts_with("takt-plan/");
  auto it = document.find("streams");
  if (it == document.end() || !it->is_array())
    throw std::runtime_error(origin +
                             ": has no \"streams\" array; expected a talker-offset file from "
                             "`taktctl plan`, a plan.json, or {\"streams\": [...]}");
  std::vector<ProbeStream> out;
  for (std::size_t i = 0; i < it->size(); ++i)
    out.push_back(stream_from((*it)[i], fmt::format("{}: /streams/{}", origin, i), plan_format));
  check_unique_ids(out);
  return out;
}

std::vector<ProbeStream> load_stream_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the stream file");
  json document;
  try {
    std::ostringstream text;
    text << in.rdbuf();
    document = parse_bounded_json(text.str());
  } catch (const JsonLimitError& e) {
    throw std::runtime_error(path + ": refused: " + e.what());
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
  return streams_from_json(document, path);
}

std::vector<ProbeStream> select_streams(std::vector<ProbeStream> streams, const std::vector<std::string>& names) {
  if (names.empty()) return streams;
  for (const auto& n : names) {
    if (std::none_of(streams.begin(), streams.end(), [&](const ProbeStream& s) { return s.name == n; })) {
      std::string known;
      for (const auto& s : streams) known += (known.empty() ? "" : ", ") + s.name;
      throw std::runtime_error("stream '" + n + "' is not in the stream file (it has: " + known + ")");
    }
  }
  std::erase_if(streams,
                [&](const ProbeStream& s) { return std::find(names.begin(), names.end(), s.name) == names.end(); });
  return streams;
}

}  // namespace takt::probe
