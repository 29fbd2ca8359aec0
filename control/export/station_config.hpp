#pragma once
// The "takt-station/1" configuration of one end station, cut out of a plan: what takt-station
// attaches to the station's interface (protocol/station_config.hpp).
//   talks:   every stream the station talks, with the talker offset and window of the
//            talker-offset files, its largest frame as bridges count it, the token bucket every
//            bridge's flow meter polices it to (so the source shapes what the network would
//            police) and its listeners;
//   listens: every stream it listens to, with the window in which the plan has the stream's
//            frames arrive at the station, as a bridge's stream gate would open for them there.
// IP stream identification comes from the plant (model::Stream::ip); the plan does not carry it.
#include <string>
#include <vector>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"
#include "protocol/station_config.hpp"

namespace takt::exporter {

// End stations that talk or listen to at least one stream of the plan, in plant order.
std::vector<std::string> stations_with_streams(const schedule::Plan& plan, const model::Plant& plant);

// Throws std::invalid_argument when `end_station` is not an end station of the plant or a
// stream's destination MAC cannot be parsed.
station::StationConfig station_config(const schedule::Plan& plan, const model::Plant& plant,
                                      const std::string& end_station);

}  // namespace takt::exporter
