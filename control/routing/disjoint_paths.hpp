#pragma once
// Two node-disjoint paths of least total cost (Suurballe's problem, solved as a min-cost flow of
// two units on the node-split graph), for streams with num-seamless-trees 2.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/routing/topology.hpp"

namespace takt::routing {

using ArcPath = std::vector<int>;  // arc indices from source to sink

// cost(arc) < 0 excludes the arc. Nodes other than source and sink are used at most once over
// both paths. Returns the cheaper path first.
std::optional<std::pair<ArcPath, ArcPath>> disjoint_pair(const Topology& topo, int source, int sink,
                                                         const std::function<std::int64_t(int)>& cost);

// Why there is no disjoint pair: "every path from a to b passes through c" or the single link.
std::string explain_no_disjoint_pair(const Topology& topo, int source, int sink,
                                     const std::function<std::int64_t(int)>& cost);

}  // namespace takt::routing
