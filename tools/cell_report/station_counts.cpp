#include "tools/cell_report/station_counts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace takt::cell_report {

namespace {

std::uint64_t counter_value(const std::string& text) {
  const double v = std::strtod(text.c_str(), nullptr);
  return std::isfinite(v) && v > 0 ? static_cast<std::uint64_t>(std::llround(v)) : 0;
}

}  // namespace

const StationTalk* StationCounts::talk(const std::string& station, const std::string& stream) const {
  auto it = talks.find({station, stream});
  return it == talks.end() ? nullptr : &it->second;
}

const StationListen* StationCounts::listen(const std::string& station, const std::string& stream) const {
  auto it = listens.find({station, stream});
  return it == listens.end() ? nullptr : &it->second;
}

StationCounts station_counts(const std::vector<PromSample>& answer) {
  StationCounts out;
  for (const auto& s : answer) {
    const auto station = s.label("station");
    const auto stream = s.label("stream");
    if (station.empty() || stream.empty()) continue;
    const auto name = s.label("__name__");
    const auto window = s.label("window");
    const auto n = counter_value(s.value);
    const auto talk = [&]() -> StationTalk& {
      auto& t = out.talks[{station, stream}];
      t.station = station;
      return t;
    };
    const auto listen = [&]() -> StationListen& {
      auto& l = out.listens[{station, stream}];
      l.station = station;
      return l;
    };
    if (name == "takt_station_frames_sent_total") {
      talk().passed = n;
    } else if (name == "takt_station_policed_frames_total") {
      talk().policed = n;
    } else if (name == "takt_station_departures_total" && window == "in") {
      talk().departures_in_window = n;
    } else if (name == "takt_station_departures_total" && window == "outside") {
      talk().departures_outside_window = n;
    } else if (name == "takt_station_frames_received_total") {
      listen().received = n;
    } else if (name == "takt_station_sequence_gaps_total") {
      listen().sequence_gaps = n;
    } else if (name == "takt_station_out_of_order_total") {
      listen().out_of_order = n;
    } else if (name == "takt_station_deadline_misses_total") {
      listen().deadline_misses = n;
    } else if (name == "takt_station_arrivals_total" && window == "early") {
      listen().arrivals_early = n;
    } else if (name == "takt_station_arrivals_total" && window == "in") {
      listen().arrivals_in_window = n;
    } else if (name == "takt_station_arrivals_total" && window == "late") {
      listen().arrivals_late = n;
    } else {
      continue;
    }
    if (std::find(out.stations.begin(), out.stations.end(), station) == out.stations.end())
      out.stations.push_back(station);
  }
  std::sort(out.stations.begin(), out.stations.end());
  return out;
}

}  // namespace takt::cell_report
