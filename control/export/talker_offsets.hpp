#pragma once
// What an end station's applications need to align their cycles with the network: for every
// stream the station talks, its interval, the offset within the interval at which its frames
// must start (scheduled streams), how many frames of what payload, and how to address and tag
// them. Interval k of a stream starts at TAI k x interval (the plan's common epoch), so a
// talker sends at k x interval + offset.
//
// Text form, one stream per line after a '#' header, fields separated by spaces:
//   stream interval-ns offset-ns frames-per-interval payload-bytes destination-mac vlan pcp class
// with offset-ns "-" for streams that have no reserved window (bounded, best-effort).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/schedule/plan.hpp"

namespace takt::exporter {

// End stations that talk at least one stream, in plan order of first stream.
std::vector<std::string> talkers(const schedule::Plan& plan);

// The talker's own window of a scheduled stream (window-ns): every frame of the interval must be
// on the wire within it, counted from the offset. Zero for streams without one.
Nanos talker_window(const schedule::StreamPlan& s);

nlohmann::ordered_json talker_offsets_json(const schedule::Plan& plan, const std::string& station);
std::string talker_offsets_text(const schedule::Plan& plan, const std::string& station);

}  // namespace takt::exporter
