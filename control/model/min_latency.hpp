#pragma once
// The physical lower bound on a stream's latency: store-and-forward wire time, cable delay and
// best-case bridge processing along the fastest path. No schedule can beat it, so a max-latency
// below it is an input error, reported when the plant is loaded.
#include <optional>
#include <string>
#include <vector>

#include "control/model/plant.hpp"

namespace takt::model {

struct MinLatencyPath {
  Nanos latency{0};
  std::vector<std::string> nodes;  // talker .. listener
};

// Fastest path from talker to listener for one frame of `payload` bytes (VLAN-tagged), or
// nullopt when the listener is unreachable. Only bridges forward; end stations only talk and listen.
// Requires a plant whose references are resolved (every link end names a declared node).
std::optional<MinLatencyPath> min_latency_path(const Plant& plant, const std::string& talker,
                                               const std::string& listener, std::int64_t payload);

}  // namespace takt::model
