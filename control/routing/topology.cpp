#include "control/routing/topology.hpp"

#include <atomic>

namespace takt::routing {

Topology::Topology(const model::Plant& plant) {
  static std::atomic<std::uint64_t> next_id{1};
  id_ = next_id++;
  fallback_profile_.name = "default";
  std::unordered_map<std::string, const model::Profile*> by_name;
  for (const auto& p : plant.profiles) by_name.emplace(p.name, &p);
  for (const auto& n : plant.nodes) {
    index_.emplace(n.name, static_cast<int>(nodes_.size()));
    nodes_.push_back(&n);
    const auto it = by_name.find(n.profile);
    profiles_.push_back(it != by_name.end() ? it->second : &fallback_profile_);
  }
  out_.resize(nodes_.size());
  auto add = [&](const model::PortRef& from, const model::PortRef& to, const model::Link& l) {
    Arc a{node_index(from.node), node_index(to.node), from, to, l.rate_bps, l.propagation};
    if (a.from < 0 || a.to < 0) return;  // an invalid plant; the model's validation reports it
    arc_by_egress_.emplace(from.str(), static_cast<int>(arcs_.size()));
    out_[static_cast<std::size_t>(a.from)].push_back(static_cast<int>(arcs_.size()));
    arcs_.push_back(std::move(a));
  };
  for (const auto& l : plant.links) {
    add(l.a, l.b, l);
    add(l.b, l.a, l);
  }
}

int Topology::node_index(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

int Topology::arc_at(const model::PortRef& egress) const {
  const auto it = arc_by_egress_.find(egress.str());
  return it == arc_by_egress_.end() ? -1 : it->second;
}

}  // namespace takt::routing
