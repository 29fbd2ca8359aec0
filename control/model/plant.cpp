#include "control/model/plant.hpp"

#include <algorithm>
#include <stdexcept>

namespace takt::model {

const Node* Plant::find_node(const std::string& n) const {
  auto it = std::find_if(nodes.begin(), nodes.end(), [&](const Node& x) { return x.name == n; });
  return it == nodes.end() ? nullptr : &*it;
}

const Profile* Plant::find_profile(const std::string& n) const {
  // Later profiles (the file's) override built-in ones of the same name.
  auto it = std::find_if(profiles.rbegin(), profiles.rend(), [&](const Profile& x) { return x.name == n; });
  return it == profiles.rend() ? nullptr : &*it;
}

const Profile& Plant::profile_of(const Node& n) const {
  const Profile* p = find_profile(n.profile);
  if (!p) throw std::logic_error("node " + n.name + " has unknown profile " + n.profile);
  return *p;
}

const Stream* Plant::find_stream(const std::string& n) const {
  auto it = std::find_if(streams.begin(), streams.end(), [&](const Stream& x) { return x.name == n; });
  return it == streams.end() ? nullptr : &*it;
}

const Link* Plant::link_at(const PortRef& p) const {
  auto it = std::find_if(links.begin(), links.end(), [&](const Link& l) { return l.a == p || l.b == p; });
  return it == links.end() ? nullptr : &*it;
}

std::optional<PortRef> Plant::peer_of(const PortRef& p) const {
  const Link* l = link_at(p);
  if (!l) return std::nullopt;
  return l->a == p ? l->b : l->a;
}

std::size_t Plant::bridge_count() const {
  return static_cast<std::size_t>(
      std::count_if(nodes.begin(), nodes.end(), [](const Node& n) { return n.kind == NodeKind::bridge; }));
}

std::size_t Plant::end_station_count() const { return nodes.size() - bridge_count(); }

const char* to_string(TrafficClassKind k) {
  switch (k) {
    case TrafficClassKind::scheduled:
      return "scheduled";
    case TrafficClassKind::bounded:
      return "bounded";
    case TrafficClassKind::best_effort:
      return "best-effort";
  }
  return "?";
}

const char* to_string(NodeKind k) { return k == NodeKind::bridge ? "bridge" : "end-station"; }

}  // namespace takt::model
