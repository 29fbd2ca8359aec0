#pragma once
// A stream's route: the egress ports its frames leave through, as a tree rooted at the talker
// (or, with num-seamless-trees 2, two trees that share only the access links).
#include <string>
#include <vector>

#include "control/model/plant.hpp"

namespace takt::routing {

// One transmission of a frame: out of `egress`, over its link, into `ingress`.
struct RouteHop {
  model::PortRef egress;
  model::PortRef ingress;
  // Hops that deliver the frame to egress.node. Empty when egress.node is the talker. Two entries
  // only where two seamless trees meet again in front of a single-homed listener (the bridge
  // there eliminates duplicates and forwards the frame once).
  std::vector<int> upstream;
  // The Topology arc of egress when the router built the hop, else -1: saves looking the port
  // up by name for every hop of every stream.
  int arc = -1;
};

struct StreamRoute {
  std::string stream;
  // Every distinct egress port the stream uses, upstream hops always before their downstream
  // hops, so a forward pass over this vector visits a frame's journey in causal order. A port
  // shared by both seamless trees (an access link) appears once: it carries the frame once.
  std::vector<RouteHop> hops;
  // Indices into `hops`, one list per seamless tree (one list without redundancy).
  std::vector<std::vector<int>> trees;

  // The hop whose ingress is `listener`'s port, or -1.
  int hop_into(const std::string& listener) const {
    for (std::size_t i = 0; i < hops.size(); ++i)
      if (hops[i].ingress.node == listener) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace takt::routing
