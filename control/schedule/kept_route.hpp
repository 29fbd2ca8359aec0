#pragma once
// taktctl plan --keep: a stream of the earlier plan keeps its route, not only its windows, as
// long as that route still holds in the plant (every hop a link of the plant, forwarded only by
// bridges, from the same talker to the same listeners with as many seamless trees). The router
// might now prefer another path (a link was added, a cost changed); a running stream is not
// moved for that.
#include <optional>
#include <string>

#include "control/model/plant.hpp"
#include "control/routing/route.hpp"
#include "control/routing/topology.hpp"
#include "control/schedule/plan.hpp"

namespace takt::schedule {

// The earlier route of `s`, or nullopt with `why` saying what no longer holds.
std::optional<routing::StreamRoute> kept_route(const routing::Topology& topo, const model::Stream& s,
                                               const StreamPlan& old, std::string& why);

// Whether a route and an earlier plan's hops are the same path (ports, links and order).
bool same_route(const routing::StreamRoute& route, const StreamPlan& old);

}  // namespace takt::schedule
