#pragma once
// The active topology for traffic without a static entry: a spanning tree over the plant's
// bridge-to-bridge links. Rings exist for redundant streams (802.1CB), and takt's bridges run
// no spanning tree protocol, so the plan takes one link of every loop out of flooding and
// learning, the way a converged spanning tree would block it. Streams keep every link: their
// frames follow static entries.
#include <set>

#include "control/model/plant.hpp"

namespace takt::exporter {

// Both ports of every bridge-to-bridge link outside the tree. The tree is a breadth-first search
// from each not yet reached bridge in plant order over links in plant order, so the same plant
// always gives the same tree.
std::set<model::PortRef> inactive_ports(const model::Plant& plant);

}  // namespace takt::exporter
