#include "control/export/talker_offsets.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/schedule/plan_json.hpp"

namespace takt::exporter {

std::vector<std::string> talkers(const schedule::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.streams)
    if (std::find(out.begin(), out.end(), s.talker) == out.end()) out.push_back(s.talker);
  return out;
}

Nanos talker_window(const schedule::StreamPlan& s) {
  return s.timed && !s.hops.empty() ? s.hops.front().length : Nanos{0};
}

nlohmann::ordered_json talker_offsets_json(const schedule::Plan& plan, const std::string& station) {
  nlohmann::ordered_json streams = nlohmann::ordered_json::array();
  for (const auto& s : plan.streams) {
    if (s.talker != station) continue;
    nlohmann::ordered_json j{{"stream", s.name},
                             {"traffic-class", schedule::traffic_class_kind_name(s.traffic_class)},
                             {"interval-ns", s.interval.count()}};
    if (s.timed) {
      j["offset-ns"] = s.talker_offset.count();
      if (!s.hops.empty()) j["window-ns"] = talker_window(s).count();
    }
    j["frames-per-interval"] = s.frames_per_interval;
    j["frame-payload-bytes"] = s.frame_payload;
    j["destination-mac"] = s.destination_mac;
    j["vlan"] = s.vlan;
    j["pcp"] = s.pcp;
    j["listeners"] = s.listeners;
    streams.push_back(std::move(j));
  }
  return {{"format", "takt-talker-offsets/1"},
          {"plant", plan.plant},
          {"end-station", station},
          {"epoch", "TAI 0: interval k of a stream starts at k * interval-ns"},
          {"hyperperiod-ns", plan.hyperperiod.count()},
          {"sync-error-budget-ns", plan.sync_error_budget.count()},
          {"streams", std::move(streams)}};
}

std::string talker_offsets_text(const schedule::Plan& plan, const std::string& station) {
  std::string out = fmt::format(
      "# talker offsets of {} in plan '{}'; interval k starts at TAI k * interval-ns\n"
      "# stream interval-ns offset-ns frames-per-interval payload-bytes destination-mac vlan pcp class\n",
      station, plan.plant);
  for (const auto& s : plan.streams) {
    if (s.talker != station) continue;
    out += fmt::format("{} {} {} {} {} {} {} {} {}\n", s.name, s.interval.count(),
                       s.timed ? std::to_string(s.talker_offset.count()) : std::string("-"), s.frames_per_interval,
                       s.frame_payload, s.destination_mac.empty() ? "-" : s.destination_mac, s.vlan, s.pcp,
                       schedule::traffic_class_kind_name(s.traffic_class));
  }
  return out;
}

}  // namespace takt::exporter
