#pragma once
// The plant as a directed graph: one arc per direction of every full-duplex link, so each arc
// is one transmission medium (one egress port). Built once; routing and scheduling index into it.
#include <string>
#include <unordered_map>
#include <vector>

#include "control/model/plant.hpp"

namespace takt::routing {

struct Arc {
  int from = -1;  // node index of the transmitter
  int to = -1;    // node index of the receiver
  model::PortRef egress;
  model::PortRef ingress;
  std::int64_t rate_bps = 0;
  Nanos propagation{0};
};

class Topology {
 public:
  // Keeps pointers into `plant`, which must outlive the topology.
  explicit Topology(const model::Plant& plant);
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  std::size_t node_count() const { return nodes_.size(); }
  const model::Node& node(int i) const { return *nodes_[static_cast<std::size_t>(i)]; }
  int node_index(const std::string& name) const;  // -1 when unknown
  bool is_bridge(int i) const { return node(i).kind == model::NodeKind::bridge; }
  // The node's hardware profile; a default Profile when the plant names none (tests, TSNKit).
  const model::Profile& profile(int i) const { return *profiles_[static_cast<std::size_t>(i)]; }

  const std::vector<Arc>& arcs() const { return arcs_; }
  const Arc& arc(int a) const { return arcs_[static_cast<std::size_t>(a)]; }
  const std::vector<int>& out_arcs(int node) const { return out_[static_cast<std::size_t>(node)]; }
  int arc_at(const model::PortRef& egress) const;  // -1 when the port has no link
  // Unique per Topology ever built in this process: a cache key that a new topology at a
  // recycled address cannot collide with.
  std::uint64_t id() const { return id_; }

 private:
  std::vector<const model::Node*> nodes_;
  std::vector<const model::Profile*> profiles_;
  model::Profile fallback_profile_;
  std::unordered_map<std::string, int> index_;
  std::vector<Arc> arcs_;
  std::vector<std::vector<int>> out_;
  std::unordered_map<std::string, int> arc_by_egress_;
  std::uint64_t id_ = 0;
};

}  // namespace takt::routing
