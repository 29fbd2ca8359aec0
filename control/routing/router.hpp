#pragma once
// Routes for streams: the path of least worst-case latency (wire time at each link's rate,
// propagation, the receiving bridge's max processing delay and the sync error budget), one
// shortest-path tree for several listeners (a hop shared by listeners is one transmission), and
// two node-disjoint trees for num-seamless-trees 2. End stations never forward.
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "control/model/plant.hpp"
#include "control/routing/issue.hpp"
#include "control/routing/route.hpp"
#include "control/routing/topology.hpp"

namespace takt::routing {

struct RouteResult {
  std::optional<StreamRoute> route;
  Issues issues;  // why there is no route; empty when route is set
};

class Router {
 public:
  Router(const Topology& topo, Nanos sync_error_budget, model::FrameModel frame_model = model::FrameModel::ethernet)
      : topo_(topo), sync_(sync_error_budget), frame_model_(frame_model) {}
  RouteResult route(const model::Stream& stream) const;

  // Latency a frame of `payload` bytes accumulates crossing arc a, up to being queued at the far
  // bridge (or received by the far end station): the routing metric.
  std::int64_t hop_cost(int arc, std::int64_t payload) const;

  // The least-latency route that does not use the arcs in `avoid` (ports a stream could not be
  // placed through), or nullopt; streams with one tree only.
  std::optional<StreamRoute> route_avoiding(const model::Stream& stream, const std::vector<int>& avoid) const;

 private:
  // Shortest-path tree from a talker for frames of one payload (the metric depends on nothing
  // else), computed once for every stream that shares both.
  struct Tree {
    std::vector<int> pred;  // arc into each node, -1 at the talker and unreached nodes
    std::vector<std::int64_t> dist;
  };
  const Tree& tree_from(int talker, std::int64_t payload) const;
  RouteResult single_tree(const model::Stream& s, int talker, const std::vector<int>& listeners) const;
  RouteResult tree_route(const model::Stream& s, int talker, const std::vector<int>& listeners, const Tree& tree) const;
  RouteResult seamless_trees(const model::Stream& s, int talker, const std::vector<int>& listeners) const;

  const Topology& topo_;
  Nanos sync_;
  model::FrameModel frame_model_;
  mutable std::map<std::pair<int, std::int64_t>, Tree> trees_;  // a cache: route() stays a pure function
};

struct RoutingResult {
  std::vector<std::optional<StreamRoute>> routes;  // one per plant stream, in plant order
  Issues issues;
  bool ok() const { return issues.empty(); }
};

RoutingResult route_streams(const model::Plant& plant, const Topology& topo);

// "plc1 -> sw1:p2 -> sw2:p3 -> drive1": the path from the talker to `listener` through the route.
std::string describe_path(const StreamRoute& route, const std::string& talker, const std::string& listener,
                          int tree = 0);

}  // namespace takt::routing
