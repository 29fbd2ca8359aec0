#include "control/export/plan_report.hpp"

#include <fmt/format.h>

#include "common/text_table.hpp"
#include "control/routing/router.hpp"
#include "common/duration_text.hpp"
#include "control/schedule/plan_json.hpp"

namespace takt::exporter {
namespace {

routing::StreamRoute route_of(const schedule::StreamPlan& s) {
  routing::StreamRoute r;
  r.stream = s.name;
  for (const auto& h : s.hops) r.hops.push_back({h.egress, h.ingress, h.upstream});
  r.trees = s.trees;
  return r;
}

const schedule::ListenerTiming* timing_of(const schedule::StreamPlan& s, const std::string& listener) {
  for (const auto& t : s.listener_timing)
    if (t.listener == listener) return &t;
  return nullptr;
}

// A reader comparing the plan with another scheduler's must know which problem it solved.
const char* frame_model_text(model::FrameModel m) {
  return m == model::FrameModel::wire_bytes
             ? "wire-bytes (a frame is max-frame-size bytes on the wire, nothing added: TSNKit's model)"
             : "ethernet (max-frame-size plus header, VLAN tag, FCS, preamble and IFG)";
}

std::string percent(double x) { return fmt::format("{:.1f} %", 100.0 * x); }

struct Counts {
  std::size_t scheduled = 0, placed = 0, bounded = 0, best_effort = 0;
};

Counts count(const schedule::Plan& plan) {
  Counts c;
  for (const auto& s : plan.streams) {
    if (s.traffic_class == model::TrafficClassKind::scheduled)
      ++c.scheduled, c.placed += s.timed ? 1 : 0;
    else if (s.traffic_class == model::TrafficClassKind::bounded)
      ++c.bounded;
    else
      ++c.best_effort;
  }
  return c;
}

int gcl_limit(const schedule::PortPlan& p, const model::Plant& plant) {
  const model::Profile* prof = plant.find_profile(p.profile);
  return prof ? prof->max_gcl_entries : 0;
}

}  // namespace

std::vector<std::string> stream_paths(const schedule::StreamPlan& s, const std::string& listener) {
  const auto route = route_of(s);
  std::vector<std::string> out;
  const int trees = std::max<int>(1, static_cast<int>(s.trees.size()));
  for (int t = 0; t < trees; ++t) {
    auto p = routing::describe_path(route, s.talker, listener, s.trees.empty() ? -1 : t);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  }
  return out;
}

std::string plan_report(const schedule::Plan& plan, const model::Plant& plant, const ReportExtras& extras) {
  const Counts c = count(plan);
  std::string out = fmt::format(
      "takt plan for plant '{}': {} streams ({} scheduled, {} bounded, {} best-effort), {} scheduled ports\n"
      "hyperperiod {}, sync error budget {}, frame model {}; offsets count from TAI 0 (interval k starts at k x "
      "interval)\n",
      plan.plant, plan.streams.size(), c.scheduled, c.bounded, c.best_effort, plan.ports.size(),
      readable_duration(plan.hyperperiod), readable_duration(plan.sync_error_budget),
      frame_model_text(plan.frame_model));

  TextTable streams(
      {"stream", "talker -> listener", ">offset", ">interval", ">worst case", ">deadline", ">slack", "path"});
  for (const auto& s : plan.streams) {
    if (!s.timed) continue;
    for (const auto& l : s.listeners) {
      const auto* t = timing_of(s, l);
      const auto paths = stream_paths(s, l);
      streams.add({s.name, s.talker + " -> " + l, readable_duration(s.talker_offset), readable_duration(s.interval),
                   t ? readable_duration(t->worst_case_latency) : readable_duration(s.worst_case_latency),
                   readable_duration(s.max_latency), t ? readable_duration(t->slack) : readable_duration(s.slack),
                   paths.empty() ? "" : paths.front()});
      for (std::size_t i = 1; i < paths.size(); ++i) streams.add({"", "", "", "", "", "", "", paths[i]});
    }
  }
  out +=
      "\nScheduled streams (worst case: talker transmission start to last bit at the listener, clock error included)\n";
  out += streams.empty() ? "  none\n" : streams.render();

  TextTable ports(
      {"port", "profile", ">timing error", ">cycle", ">windows", ">scheduled load", ">gate entries", ">limit"});
  for (const auto& p : plan.ports) {
    const auto* profile = plant.find_profile(p.profile);
    ports.add({p.port.str(), p.profile, profile ? readable_duration(profile->transmission_timing_error) : "-",
               readable_duration(p.cycle_time), std::to_string(schedule::expand_windows(p).size()),
               percent(p.scheduled_utilisation), std::to_string(p.gcl.size()), std::to_string(gcl_limit(p, plant))});
  }
  out +=
      "\nPorts with scheduled windows (timing error: how late the port may start a ready frame, reserved in each\n"
      "window; windows per cycle; load = window time (wire time + timing error) / cycle)\n";
  out += ports.empty() ? "  none\n" : ports.render();

  TextTable others({"stream", "class", ">interval", ">bound", ">max-latency", ">slack", "talker -> listener", "path"});
  for (const auto& s : plan.streams) {
    if (s.traffic_class == model::TrafficClassKind::scheduled) continue;
    for (const auto& l : s.listeners) {
      const auto* t = timing_of(s, l);
      const auto paths = stream_paths(s, l);
      others.add({s.name, schedule::traffic_class_kind_name(s.traffic_class), readable_duration(s.interval),
                  t ? readable_duration(t->worst_case_latency) : "-",
                  s.max_latency.count() > 0 ? readable_duration(s.max_latency) : "-",
                  t ? readable_duration(t->slack) : "-", s.talker + " -> " + l, paths.empty() ? "" : paths.front()});
      for (std::size_t i = 1; i < paths.size(); ++i) others.add({"", "", "", "", "", "", "", paths[i]});
    }
  }
  out +=
      "\nStreams without reserved windows (bound: network calculus over the time the gates leave open, strict "
      "priority,\nguard bands, one lower-priority frame, processing, timing error and cables; best-effort bounds "
      "count\ndeclared best-effort traffic only)\n";
  out += others.empty() ? "  none\n" : others.render();

  if (extras.moved) {
    out += "\nIncremental plan: ";
    if (extras.moved->empty()) {
      out += "every kept stream stayed on its windows\n";
    } else {
      out += fmt::format("{} kept stream{} had to move:", extras.moved->size(), extras.moved->size() == 1 ? "" : "s");
      for (const auto& m : *extras.moved) out += " " + m;
      out += "\n";
      for (std::size_t i = 0; i < extras.moved->size() && i < extras.moved_why.size(); ++i)
        out += fmt::format("  {}: {}\n", (*extras.moved)[i], extras.moved_why[i]);
    }
  }
  return out;
}

nlohmann::ordered_json plan_summary(const schedule::Plan& plan, const model::Plant& plant, const ReportExtras& extras) {
  using J = nlohmann::ordered_json;
  J streams = J::array();
  for (const auto& s : plan.streams) {
    J listeners = J::array();
    for (const auto& l : s.listeners) {
      J j{{"listener", l}, {"paths", stream_paths(s, l)}};
      if (const auto* t = timing_of(s, l)) {
        j["worst-case-latency-ns"] = t->worst_case_latency.count();
        j["slack-ns"] = t->slack.count();
      }
      listeners.push_back(std::move(j));
    }
    J j{{"stream", s.name},
        {"traffic-class", schedule::traffic_class_kind_name(s.traffic_class)},
        {"talker", s.talker},
        {"interval-ns", s.interval.count()}};
    if (s.timed) {
      j["offset-ns"] = s.talker_offset.count();
      j["max-latency-ns"] = s.max_latency.count();
    }
    j["listeners"] = std::move(listeners);
    streams.push_back(std::move(j));
  }
  J ports = J::array();
  for (const auto& p : plan.ports)
    ports.push_back({{"port", p.port.str()},
                     {"profile", p.profile},
                     {"cycle-time-ns", p.cycle_time.count()},
                     {"windows", schedule::expand_windows(p).size()},
                     {"scheduled-utilisation", p.scheduled_utilisation},
                     {"gate-control-entries", p.gcl.size()},
                     {"max-gate-control-entries", gcl_limit(p, plant)}});
  J j{{"plant", plan.plant},
      {"hyperperiod-ns", plan.hyperperiod.count()},
      {"streams", std::move(streams)},
      {"ports", std::move(ports)}};
  if (extras.moved) {
    j["moved"] = *extras.moved;
    if (extras.moved_why.size() == extras.moved->size()) j["moved-why"] = extras.moved_why;
  }
  return j;
}

}  // namespace takt::exporter
