#include "control/schedule/kept_route.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace takt::schedule {

std::optional<routing::StreamRoute> kept_route(const routing::Topology& topo, const model::Stream& s,
                                               const StreamPlan& old, std::string& why) {
  if (old.talker != s.talker) {
    why = fmt::format("its talker changed from {} to {}", old.talker, s.talker);
    return std::nullopt;
  }
  if (std::set<std::string>(old.listeners.begin(), old.listeners.end()) !=
      std::set<std::string>(s.listeners.begin(), s.listeners.end())) {
    why = "its listeners changed";
    return std::nullopt;
  }
  const std::size_t trees = s.num_seamless_trees >= 2 ? 2 : 1;
  if (old.trees.size() != trees) {
    why = fmt::format("it now asks for {} seamless tree{}", trees, trees == 1 ? "" : "s");
    return std::nullopt;
  }
  routing::StreamRoute r;
  r.stream = s.name;
  r.trees = old.trees;
  r.hops.reserve(old.hops.size());
  for (std::size_t h = 0; h < old.hops.size(); ++h) {
    const auto& hop = old.hops[h];
    const int arc = topo.arc_at(hop.egress);
    if (arc < 0 || topo.arc(arc).ingress != hop.ingress) {
      why = fmt::format("its hop {} -> {} is no longer a link of the plant", hop.egress.str(), hop.ingress.str());
      return std::nullopt;
    }
    const bool from_talker = hop.upstream.empty();
    if (from_talker ? hop.egress.node != s.talker : !topo.is_bridge(topo.arc(arc).from)) {
      why = fmt::format("its hop out of {} is not forwarded by a bridge", hop.egress.str());
      return std::nullopt;
    }
    for (int u : hop.upstream)
      if (u < 0 || static_cast<std::size_t>(u) >= h ||
          old.hops[static_cast<std::size_t>(u)].ingress.node != hop.egress.node) {
        why = fmt::format("its hop out of {} does not continue its upstream hop", hop.egress.str());
        return std::nullopt;
      }
    r.hops.push_back({hop.egress, hop.ingress, hop.upstream, arc});
  }
  for (const auto& tree : r.trees)
    for (int h : tree)
      if (h < 0 || static_cast<std::size_t>(h) >= r.hops.size()) {
        why = "its trees name hops it does not have";
        return std::nullopt;
      }
  for (const auto& l : s.listeners)
    if (r.hop_into(l) < 0) {
      why = fmt::format("it does not reach listener {}", l);
      return std::nullopt;
    }
  return r;
}

bool same_route(const routing::StreamRoute& route, const StreamPlan& old) {
  if (route.hops.size() != old.hops.size() || route.trees != old.trees) return false;
  for (std::size_t h = 0; h < route.hops.size(); ++h) {
    const auto& a = route.hops[h];
    const auto& b = old.hops[h];
    if (a.egress != b.egress || a.ingress != b.ingress || a.upstream != b.upstream) return false;
  }
  return true;
}

}  // namespace takt::schedule
