#include "control/schedule/plan_json.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/file_text.hpp"

namespace takt::schedule {
namespace {

using nlohmann::json;

json port_ref(const model::PortRef& p) { return json{{"node", p.node}, {"port", p.port}}; }

model::PortRef port_ref_from(const json& j) {
  return {j.at("node").get<std::string>(), j.at("port").get<std::string>()};
}

Nanos ns(const json& j, const char* key) { return Nanos{j.at(key).get<std::int64_t>()}; }

model::TrafficClassKind kind_from(const std::string& s) {
  if (s == "scheduled") return model::TrafficClassKind::scheduled;
  if (s == "bounded") return model::TrafficClassKind::bounded;
  if (s == "best-effort") return model::TrafficClassKind::best_effort;
  throw PlanFormatError(fmt::format("unknown traffic class '{}' (expected scheduled, bounded or best-effort)", s));
}

json hop_json(const Hop& h) {
  json j{{"egress", port_ref(h.egress)},
         {"ingress", port_ref(h.ingress)},
         {"upstream", h.upstream},
         {"traffic-class", h.traffic_class},
         {"offset-ns", h.offset.count()},
         {"length-ns", h.length.count()},
         {"frame-wire-time-ns", h.frame_wire_time.count()},
         {"transmission-timing-error-ns", h.transmission_timing_error.count()},
         {"propagation-ns", h.propagation.count()},
         {"rate-bps", h.rate_bps},
         {"may-leave-early", h.may_leave_early}};
  if (h.internal_priority >= 0) j["internal-priority"] = h.internal_priority;
  return j;
}

Hop hop_from(const json& j) {
  Hop h;
  h.egress = port_ref_from(j.at("egress"));
  h.ingress = port_ref_from(j.at("ingress"));
  h.upstream = j.at("upstream").get<std::vector<int>>();
  h.traffic_class = j.at("traffic-class").get<int>();
  h.offset = ns(j, "offset-ns");
  h.length = ns(j, "length-ns");
  h.frame_wire_time = ns(j, "frame-wire-time-ns");
  // Optional: plans written before the timing error was reserved have none.
  h.transmission_timing_error = Nanos{j.value("transmission-timing-error-ns", std::int64_t{0})};
  h.propagation = ns(j, "propagation-ns");
  h.rate_bps = j.at("rate-bps").get<std::int64_t>();
  // Optional: plans written before early departure was planned for have every gap closed.
  h.may_leave_early = j.value("may-leave-early", false);
  // Optional: absent where the frame's own priority decides the queue.
  h.internal_priority = j.value("internal-priority", -1);
  if (h.internal_priority < -1 || h.internal_priority > 7)
    throw PlanFormatError(fmt::format("internal-priority {} is not a priority (0..7)", h.internal_priority));
  return h;
}

json stream_json(const StreamPlan& s) {
  json hops = json::array();
  for (const auto& h : s.hops) hops.push_back(hop_json(h));
  json timing = json::array();
  for (const auto& l : s.listener_timing)
    timing.push_back({{"listener", l.listener},
                      {"worst-case-latency-ns", l.worst_case_latency.count()},
                      {"slack-ns", l.slack.count()}});
  return json{{"name", s.name},
              {"talker", s.talker},
              {"listeners", s.listeners},
              {"traffic-class", traffic_class_kind_name(s.traffic_class)},
              {"vlan", s.vlan},
              {"pcp", s.pcp},
              {"destination-mac", s.destination_mac},
              {"interval-ns", s.interval.count()},
              {"frames-per-interval", s.frames_per_interval},
              {"frame-payload", s.frame_payload},
              {"max-frame-size", s.max_frame_size},
              {"hops", hops},
              {"trees", s.trees},
              {"timed", s.timed},
              {"talker-offset-ns", s.talker_offset.count()},
              {"max-latency-ns", s.max_latency.count()},
              {"worst-case-latency-ns", s.worst_case_latency.count()},
              {"slack-ns", s.slack.count()},
              {"jitter-ns", s.jitter.count()},
              {"listener-timing", timing}};
}

StreamPlan stream_from(const json& j) {
  StreamPlan s;
  s.name = j.at("name").get<std::string>();
  s.talker = j.at("talker").get<std::string>();
  s.listeners = j.at("listeners").get<std::vector<std::string>>();
  s.traffic_class = kind_from(j.at("traffic-class").get<std::string>());
  s.vlan = j.at("vlan").get<int>();
  s.pcp = j.at("pcp").get<int>();
  s.destination_mac = j.at("destination-mac").get<std::string>();
  s.interval = ns(j, "interval-ns");
  s.frames_per_interval = j.at("frames-per-interval").get<int>();
  s.frame_payload = j.at("frame-payload").get<std::int64_t>();
  s.max_frame_size = j.at("max-frame-size").get<std::int64_t>();
  for (const auto& h : j.at("hops")) s.hops.push_back(hop_from(h));
  s.trees = j.at("trees").get<std::vector<std::vector<int>>>();
  s.timed = j.at("timed").get<bool>();
  s.talker_offset = ns(j, "talker-offset-ns");
  s.max_latency = ns(j, "max-latency-ns");
  s.worst_case_latency = ns(j, "worst-case-latency-ns");
  s.slack = ns(j, "slack-ns");
  s.jitter = ns(j, "jitter-ns");
  for (const auto& l : j.at("listener-timing"))
    s.listener_timing.push_back(
        {l.at("listener").get<std::string>(), ns(l, "worst-case-latency-ns"), ns(l, "slack-ns")});
  return s;
}

json port_json(const PortPlan& p) {
  json windows = json::array();
  for (const auto& w : p.windows)
    windows.push_back({{"start-ns", w.start.count()},
                       {"length-ns", w.length.count()},
                       {"interval-ns", w.interval.count()},
                       {"traffic-class", w.traffic_class},
                       {"stream", w.stream},
                       {"hop", w.hop}});
  json gcl = json::array();
  for (const auto& e : p.gcl) gcl.push_back({{"gate-states", e.gate_states}, {"interval-ns", e.interval.count()}});
  return json{{"port", port_ref(p.port)},
              {"profile", p.profile},
              {"rate-bps", p.rate_bps},
              {"queues", p.queues},
              {"priority-to-traffic-class", p.priority_to_tc},
              {"scheduled-classes", p.scheduled_classes},
              {"cycle-time-ns", p.cycle_time.count()},
              {"windows", windows},
              {"gate-control-list", gcl},
              {"scheduled-utilisation", p.scheduled_utilisation}};
}

PortPlan port_from(const json& j) {
  PortPlan p;
  p.port = port_ref_from(j.at("port"));
  p.profile = j.at("profile").get<std::string>();
  p.rate_bps = j.at("rate-bps").get<std::int64_t>();
  p.queues = j.at("queues").get<int>();
  p.priority_to_tc = j.at("priority-to-traffic-class").get<std::array<int, 8>>();
  p.scheduled_classes = j.at("scheduled-classes").get<std::uint32_t>();
  p.cycle_time = ns(j, "cycle-time-ns");
  for (const auto& w : j.at("windows"))
    p.windows.push_back({ns(w, "start-ns"), ns(w, "length-ns"), ns(w, "interval-ns"), w.at("traffic-class").get<int>(),
                         w.at("stream").get<std::string>(), w.at("hop").get<int>()});
  for (const auto& e : j.at("gate-control-list"))
    p.gcl.push_back({e.at("gate-states").get<std::uint32_t>(), ns(e, "interval-ns")});
  p.scheduled_utilisation = j.at("scheduled-utilisation").get<double>();
  return p;
}

}  // namespace

const char* traffic_class_kind_name(model::TrafficClassKind k) {
  switch (k) {
    case model::TrafficClassKind::scheduled:
      return "scheduled";
    case model::TrafficClassKind::bounded:
      return "bounded";
    case model::TrafficClassKind::best_effort:
      return "best-effort";
  }
  return "?";
}

json to_json(const Plan& plan) {
  json streams = json::array();
  for (const auto& s : plan.streams) streams.push_back(stream_json(s));
  json ports = json::array();
  for (const auto& p : plan.ports) ports.push_back(port_json(p));
  return json{{"format", plan.format},
              {"plant", plan.plant},
              {"hyperperiod-ns", plan.hyperperiod.count()},
              {"sync-error-budget-ns", plan.sync_error_budget.count()},
              {"frame-model", model::to_string(plan.frame_model)},
              {"streams", streams},
              {"ports", ports}};
}

Plan plan_from_json(const json& j) {
  if (!j.is_object() || !j.contains("format"))
    throw PlanFormatError("not a takt plan: no \"format\" key at the top level");
  const auto format = j.at("format").get<std::string>();
  if (format != kPlanFormat)
    throw PlanFormatError(fmt::format("plan format '{}' is not supported (this takt reads '{}')", format, kPlanFormat));
  try {
    Plan p;
    p.format = format;
    p.plant = j.at("plant").get<std::string>();
    p.hyperperiod = ns(j, "hyperperiod-ns");
    p.sync_error_budget = ns(j, "sync-error-budget-ns");
    // Plans from before the key were all planned in the Ethernet model.
    if (j.contains("frame-model")) {
      const auto m = model::parse_frame_model(j.at("frame-model").get<std::string>());
      if (!m) throw PlanFormatError("malformed plan: frame-model is neither ethernet nor wire-bytes");
      p.frame_model = *m;
    }
    for (const auto& s : j.at("streams")) p.streams.push_back(stream_from(s));
    for (const auto& port : j.at("ports")) p.ports.push_back(port_from(port));
    return p;
  } catch (const json::exception& e) {
    // nlohmann's messages name the missing key or the type mismatch; that is enough to act on.
    throw PlanFormatError(fmt::format("malformed plan: {}", e.what()));
  }
}

void write_plan_file(const Plan& plan, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp));
    out << to_json(plan).dump(2) << '\n';
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(fmt::format("cannot rename {} to {}", tmp, path));
}

Plan read_plan_file(const std::string& path) {
  // The system's reason ("Permission denied") is what a person acts on.
  auto text = read_file_text(path);
  if (!text) throw PlanFormatError(text.error().message);
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::parse_error& e) {
    throw PlanFormatError(fmt::format("{}: not JSON: {}", path, e.what()));
  }
  try {
    return plan_from_json(j);
  } catch (const PlanFormatError& e) {
    throw PlanFormatError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace takt::schedule
