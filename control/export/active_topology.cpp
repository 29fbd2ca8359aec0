#include "control/export/active_topology.hpp"

#include <deque>
#include <map>

namespace takt::exporter {

std::set<model::PortRef> inactive_ports(const model::Plant& plant) {
  auto is_bridge = [&plant](const std::string& name) {
    const model::Node* n = plant.find_node(name);
    return n && n->kind == model::NodeKind::bridge;
  };
  std::map<std::string, std::vector<const model::Link*>> links_of;
  for (const auto& l : plant.links)
    if (is_bridge(l.a.node) && is_bridge(l.b.node)) {
      links_of[l.a.node].push_back(&l);
      links_of[l.b.node].push_back(&l);
    }
  std::set<std::string> reached;
  std::set<const model::Link*> tree;
  for (const auto& root : plant.nodes) {
    if (root.kind != model::NodeKind::bridge || reached.count(root.name)) continue;
    reached.insert(root.name);
    std::deque<std::string> queue{root.name};
    while (!queue.empty()) {
      const std::string at = queue.front();
      queue.pop_front();
      for (const model::Link* l : links_of[at]) {
        const std::string& other = l->a.node == at ? l->b.node : l->a.node;
        if (reached.count(other)) continue;
        reached.insert(other);
        tree.insert(l);
        queue.push_back(other);
      }
    }
  }
  std::set<model::PortRef> out;
  for (const auto& [node, links] : links_of)
    for (const model::Link* l : links)
      if (!tree.count(l)) {
        out.insert(l->a);
        out.insert(l->b);
      }
  return out;
}

}  // namespace takt::exporter
