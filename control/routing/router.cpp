#include "control/routing/router.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <fmt/format.h>

#include "control/routing/disjoint_paths.hpp"
#include "dataplane/core/wire.hpp"

namespace takt::routing {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_index_t, int>>;
using Edge = boost::graph_traits<Graph>::edge_descriptor;
constexpr auto kUnreached = std::numeric_limits<std::int64_t>::max();

Graph make_graph(const Topology& topo) {
  Graph g(topo.node_count());
  for (std::size_t a = 0; a < topo.arcs().size(); ++a)
    boost::add_edge(static_cast<std::size_t>(topo.arcs()[a].from), static_cast<std::size_t>(topo.arcs()[a].to),
                    static_cast<int>(a), g);
  return g;
}

struct ArcAllowed {
  const Graph* g = nullptr;
  const std::vector<std::int64_t>* cost = nullptr;
  bool operator()(const Edge& e) const {
    return (*cost)[static_cast<std::size_t>(boost::get(boost::edge_index, *g, e))] >= 0;
  }
};

struct PredecessorArcs : boost::default_dijkstra_visitor {
  const Graph* g = nullptr;
  std::vector<int>* pred = nullptr;
  template <class E, class G>
  void edge_relaxed(E e, const G&) {
    (*pred)[boost::target(e, *g)] = boost::get(boost::edge_index, *g, e);
  }
};

// Shortest-path tree from `source` over arcs with cost >= 0: predecessor arc per node.
std::vector<int> shortest_path_tree(const Topology& topo, int source, const std::vector<std::int64_t>& cost,
                                    std::vector<std::int64_t>& dist) {
  // One Boost graph per topology, reused by every stream routed on it.
  static thread_local std::uint64_t cached_topo = 0;
  static thread_local Graph g;
  if (cached_topo != topo.id()) {
    g = make_graph(topo);
    cached_topo = topo.id();
  }
  boost::filtered_graph<Graph, ArcAllowed> fg(g, ArcAllowed{&g, &cost});
  std::vector<int> pred(topo.node_count(), -1);
  dist.assign(topo.node_count(), kUnreached);
  PredecessorArcs vis;
  vis.g = &g;
  vis.pred = &pred;
  auto weight = boost::make_function_property_map<Edge, std::int64_t>(
      [&](const Edge& e) { return cost[static_cast<std::size_t>(boost::get(boost::edge_index, g, e))]; });
  boost::dijkstra_shortest_paths(
      fg, static_cast<std::size_t>(source),
      boost::weight_map(weight)
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
          .visitor(vis)
          .distance_inf(kUnreached));
  return pred;
}

// Hops from a set of arcs and each arc's upstream arcs, in causal (topological) order.
StreamRoute assemble(const Topology& topo, const std::string& stream, const std::vector<std::set<int>>& tree_arcs,
                     const std::map<int, std::set<int>>& upstream_arcs) {
  std::vector<int> arcs;
  for (const auto& [arc, ups] : upstream_arcs) arcs.push_back(arc);
  // Kahn's algorithm; ties broken by arc index so routes are deterministic.
  std::map<int, int> missing;
  std::map<int, std::vector<int>> downstream;
  for (const auto& [arc, ups] : upstream_arcs) {
    missing[arc] = static_cast<int>(ups.size());
    for (int u : ups) downstream[u].push_back(arc);
  }
  std::set<int> ready;
  for (const auto& [arc, n] : missing)
    if (n == 0) ready.insert(arc);
  StreamRoute r;
  r.stream = stream;
  std::map<int, int> hop_of_arc;
  while (!ready.empty()) {
    const int arc = *ready.begin();
    ready.erase(ready.begin());
    hop_of_arc[arc] = static_cast<int>(r.hops.size());
    RouteHop h;
    h.egress = topo.arc(arc).egress;
    h.ingress = topo.arc(arc).ingress;
    h.arc = arc;
    for (int u : upstream_arcs.at(arc)) h.upstream.push_back(hop_of_arc.at(u));
    r.hops.push_back(std::move(h));
    for (int d : downstream[arc])
      if (--missing[d] == 0) ready.insert(d);
  }
  for (const auto& arcs_of_tree : tree_arcs) {
    std::vector<int> hops;
    for (int a : arcs_of_tree) hops.push_back(hop_of_arc.at(a));
    std::sort(hops.begin(), hops.end());
    r.trees.push_back(std::move(hops));
  }
  return r;
}

std::string node_list(const Topology& topo, const std::vector<int>& nodes) {
  std::string out;
  for (int n : nodes) out += (out.empty() ? "" : ", ") + topo.node(n).name;
  return out;
}

}  // namespace

std::int64_t Router::hop_cost(int a, std::int64_t payload) const {
  const Arc& arc = topo_.arc(a);
  std::int64_t c = model::frame_wire_time(frame_model_, payload, true, arc.rate_bps).count() + arc.propagation.count();
  if (topo_.is_bridge(arc.to)) c += topo_.profile(arc.to).processing_delay_max.count() + sync_.count();
  return c;
}

RouteResult Router::route(const model::Stream& s) const {
  RouteResult out;
  const int talker = topo_.node_index(s.talker);
  if (talker < 0) {
    out.issues.push_back(
        {s.name, s.talker, fmt::format("stream {}: talker {} is not a node of the plant", s.name, s.talker)});
    return out;
  }
  std::vector<int> listeners;
  for (const auto& l : s.listeners) {
    const int n = topo_.node_index(l);
    if (n < 0) {
      out.issues.push_back({s.name, l, fmt::format("stream {}: listener {} is not a node of the plant", s.name, l)});
      continue;
    }
    listeners.push_back(n);
  }
  if (listeners.empty() && out.issues.empty())
    out.issues.push_back({s.name, "", fmt::format("stream {} has no listener", s.name)});
  if (!out.issues.empty()) return out;
  return s.num_seamless_trees >= 2 ? seamless_trees(s, talker, listeners) : single_tree(s, talker, listeners);
}

const Router::Tree& Router::tree_from(int talker, std::int64_t payload) const {
  const std::pair<int, std::int64_t> key{talker, payload};
  if (const auto it = trees_.find(key); it != trees_.end()) return it->second;
  // Bounded: a plant with many distinct frame sizes must not keep a tree for each.
  if (trees_.size() * topo_.node_count() > (std::size_t{1} << 22)) trees_.clear();
  std::vector<std::int64_t> cost(topo_.arcs().size(), -1);
  for (std::size_t a = 0; a < cost.size(); ++a) {
    const Arc& arc = topo_.arcs()[a];
    // End stations send their own frames and receive; they never forward.
    if (arc.from != talker && !topo_.is_bridge(arc.from)) continue;
    if (arc.to == talker) continue;
    cost[a] = hop_cost(static_cast<int>(a), payload);
  }
  Tree t;
  t.pred = shortest_path_tree(topo_, talker, cost, t.dist);
  return trees_.emplace(key, std::move(t)).first->second;
}

RouteResult Router::single_tree(const model::Stream& s, int talker, const std::vector<int>& listeners) const {
  const auto payload = std::min<std::int64_t>(s.max_frame_size, kMaxStandardPayload);
  return tree_route(s, talker, listeners, tree_from(talker, payload));
}

std::optional<StreamRoute> Router::route_avoiding(const model::Stream& s, const std::vector<int>& avoid) const {
  if (s.num_seamless_trees >= 2) return std::nullopt;
  const int talker = topo_.node_index(s.talker);
  if (talker < 0) return std::nullopt;
  std::vector<int> listeners;
  for (const auto& l : s.listeners) {
    const int n = topo_.node_index(l);
    if (n < 0) return std::nullopt;
    listeners.push_back(n);
  }
  if (listeners.empty()) return std::nullopt;
  const auto payload = std::min<std::int64_t>(s.max_frame_size, kMaxStandardPayload);
  std::vector<std::int64_t> cost(topo_.arcs().size(), -1);
  for (std::size_t a = 0; a < cost.size(); ++a) {
    const Arc& arc = topo_.arcs()[a];
    if (arc.from != talker && !topo_.is_bridge(arc.from)) continue;
    if (arc.to == talker) continue;
    if (std::find(avoid.begin(), avoid.end(), static_cast<int>(a)) != avoid.end()) continue;
    cost[a] = hop_cost(static_cast<int>(a), payload);
  }
  Tree t;
  t.pred = shortest_path_tree(topo_, talker, cost, t.dist);
  return tree_route(s, talker, listeners, t).route;
}

RouteResult Router::tree_route(const model::Stream& s, int talker, const std::vector<int>& listeners,
                               const Tree& tree_of_talker) const {
  RouteResult out;
  const auto& dist = tree_of_talker.dist;
  const auto& pred = tree_of_talker.pred;
  // One listener reached: the route is the path itself, in the order assemble() would give it.
  if (listeners.size() == 1 && dist[static_cast<std::size_t>(listeners[0])] != kUnreached) {
    std::vector<int> path;
    for (int v = listeners[0]; v != talker; v = topo_.arc(path.back()).from)
      path.push_back(pred[static_cast<std::size_t>(v)]);
    StreamRoute r;
    r.stream = s.name;
    r.hops.reserve(path.size());
    r.trees.emplace_back();
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      RouteHop h;
      h.egress = topo_.arc(*it).egress;
      h.ingress = topo_.arc(*it).ingress;
      h.arc = *it;
      if (!r.hops.empty()) h.upstream.push_back(static_cast<int>(r.hops.size()) - 1);
      r.trees.back().push_back(static_cast<int>(r.hops.size()));
      r.hops.push_back(std::move(h));
    }
    out.route = std::move(r);
    return out;
  }
  std::vector<int> unreachable;
  std::set<int> tree;
  std::map<int, std::set<int>> upstream;
  for (int l : listeners) {
    if (dist[static_cast<std::size_t>(l)] == kUnreached) {
      unreachable.push_back(l);
      continue;
    }
    for (int v = l; v != talker;) {
      const int a = pred[static_cast<std::size_t>(v)];
      if (!tree.insert(a).second) break;  // the rest of the way up is already in the tree
      const int from = topo_.arc(a).from;
      upstream[a] = from == talker ? std::set<int>{} : std::set<int>{pred[static_cast<std::size_t>(from)]};
      v = from;
    }
  }
  if (!unreachable.empty()) {
    out.issues.push_back({s.name, topo_.node(talker).name,
                          fmt::format("stream {}: no path from talker {} to {} (end stations do not forward; check the "
                                      "links between bridges)",
                                      s.name, topo_.node(talker).name, node_list(topo_, unreachable))});
    return out;
  }
  out.route = assemble(topo_, s.name, {tree}, upstream);
  return out;
}

RouteResult Router::seamless_trees(const model::Stream& s, int talker, const std::vector<int>& listeners) const {
  RouteResult out;
  const auto payload = std::min<std::int64_t>(s.max_frame_size, kMaxStandardPayload);
  const auto& tname = topo_.node(talker).name;

  // A single-homed end station shares its one link between both trees; redundancy starts at the
  // bridge it hangs off (which replicates) and ends at the bridge in front of a single-homed
  // listener (which eliminates duplicates).
  auto sole_arc_out = [&](int n) { return topo_.out_arcs(n).size() == 1 ? topo_.out_arcs(n).front() : -1; };
  const int talker_access = sole_arc_out(talker);
  const int source = talker_access >= 0 ? topo_.arc(talker_access).to : talker;
  // 802.1CB in takt-dataplane: the bridge a single-homed talker hangs off numbers the frames and
  // the bridge in front of a single-homed listener recovers them at its ingress, for every port
  // it forwards to. An end station on two links would have to do that itself (takt-probe and
  // ordinary applications do not), and a recovering bridge that also passed tagged copies on
  // to another listener's bridge would hand that one untagged frames.
  if (talker_access < 0 && !topo_.is_bridge(talker)) {
    out.issues.push_back(
        {s.name, tname,
         fmt::format("stream {}: num-seamless-trees 2 needs talker {} on one link, so that the bridge it hangs off "
                     "numbers the frames; it has {} links, and takt does not make end stations replicate",
                     s.name, tname, topo_.out_arcs(talker).size())});
    return out;
  }

  std::set<int> tree_a, tree_b, shared;
  std::map<int, int> parent_a, parent_b;  // node -> arc entering it in that tree
  std::map<int, std::set<int>> upstream;
  if (talker_access >= 0) {
    shared.insert(talker_access);
    tree_a.insert(talker_access);
    tree_b.insert(talker_access);
    parent_a[source] = parent_b[source] = talker_access;
    upstream[talker_access] = {};
  }

  for (int l : listeners) {
    const auto& lname = topo_.node(l).name;
    const int back = sole_arc_out(l);  // the listener's only link, seen from the listener
    if (back < 0 && !topo_.is_bridge(l)) {
      out.issues.push_back(
          {s.name, lname,
           fmt::format("stream {}: num-seamless-trees 2 needs listener {} on one link, so that the bridge in front "
                       "of it removes duplicates; it has {} links, and takt does not make end stations eliminate",
                       s.name, lname, topo_.out_arcs(l).size())});
      continue;
    }
    int listener_access = -1;
    if (back >= 0) {
      for (int a : topo_.out_arcs(topo_.arc(back).to))
        if (topo_.arc(a).to == l) listener_access = a;
    }
    const int sink = listener_access >= 0 ? topo_.arc(listener_access).from : l;
    if (sink == source) {
      out.issues.push_back(
          {s.name, topo_.node(source).name,
           fmt::format("stream {}: num-seamless-trees 2, but talker {} and listener {} both hang off {} "
                       "by single links, so there is no second path to fall back on",
                       s.name, tname, lname, topo_.node(source).name)});
      continue;
    }
    auto cost = [&](int a) -> std::int64_t {
      const Arc& arc = topo_.arc(a);
      if (arc.from != source && !topo_.is_bridge(arc.from)) return -1;
      if (arc.to != sink && !topo_.is_bridge(arc.to)) return -1;
      if (arc.to == source || arc.from == sink) return -1;
      return hop_cost(a, payload);
    };
    const auto pair = disjoint_pair(topo_, source, sink, cost);
    if (!pair) {
      out.issues.push_back({s.name, topo_.node(source).name,
                            fmt::format("stream {}: num-seamless-trees 2 needs two node-disjoint paths to listener {}, "
                                        "but {}",
                                        s.name, lname, explain_no_disjoint_pair(topo_, source, sink, cost))});
      continue;
    }
    auto fits = [&](const ArcPath& p, const std::map<int, int>& parent, const std::set<int>& other) {
      for (int a : p) {
        const auto it = parent.find(topo_.arc(a).to);
        if (it != parent.end() && it->second != a) return false;  // would enter a node twice
        if (other.count(a)) return false;                         // trees share no link
      }
      return true;
    };
    auto add = [&](const ArcPath& p, std::set<int>& tree, std::map<int, int>& parent) {
      for (int a : p) {
        tree.insert(a);
        const int from = topo_.arc(a).from;
        upstream[a];
        if (const auto it = parent.find(from); it != parent.end()) upstream[a].insert(it->second);
        parent[topo_.arc(a).to] = a;
      }
    };
    const auto& [p1, p2] = *pair;
    if (fits(p1, parent_a, tree_b) && fits(p2, parent_b, tree_a)) {
      add(p1, tree_a, parent_a);
      add(p2, tree_b, parent_b);
    } else if (fits(p2, parent_a, tree_b) && fits(p1, parent_b, tree_a)) {
      add(p2, tree_a, parent_a);
      add(p1, tree_b, parent_b);
    } else {
      out.issues.push_back(
          {s.name, lname,
           fmt::format("stream {}: the two disjoint paths to listener {} cross the trees already built "
                       "for the stream's earlier listeners; split the stream per listener",
                       s.name, lname)});
      continue;
    }
    if (listener_access >= 0) {
      tree_a.insert(listener_access);
      tree_b.insert(listener_access);
      upstream[listener_access].insert(parent_a.at(sink));
      upstream[listener_access].insert(parent_b.at(sink));
    }
  }
  // A bridge that recovers for one listener must not pass the trees on: its copies leave
  // without an R-TAG, which another listener's recovering bridge would discard.
  std::set<int> access_arcs;
  for (const auto& [a, ups] : upstream)
    if (ups.size() >= 2) access_arcs.insert(a);
  for (int a : access_arcs) {
    const int sink = topo_.arc(a).from;
    for (const std::set<int>* tree : {&tree_a, &tree_b})
      for (int t : *tree)
        if (topo_.arc(t).from == sink && !access_arcs.count(t))
          out.issues.push_back(
              {s.name, topo_.node(sink).name,
               fmt::format("stream {}: bridge {} removes duplicates for listener {} and also forwards the stream to "
                           "{} on one tree; takt-dataplane recovers at a bridge's ingress for all its ports, so split "
                           "the stream per listener",
                           s.name, topo_.node(sink).name, topo_.node(topo_.arc(a).to).name,
                           topo_.node(topo_.arc(t).to).name)});
  }
  if (!out.issues.empty()) return out;
  out.route = assemble(topo_, s.name, {tree_a, tree_b}, upstream);
  return out;
}

RoutingResult route_streams(const model::Plant& plant, const Topology& topo) {
  RoutingResult r;
  Router router(topo, plant.defaults.sync_error_budget, plant.defaults.frame_model);
  r.routes.reserve(plant.streams.size());
  for (const auto& s : plant.streams) {
    auto one = router.route(s);
    r.routes.push_back(std::move(one.route));
    for (auto& i : one.issues) r.issues.push_back(std::move(i));
  }
  return r;
}

std::string describe_path(const StreamRoute& route, const std::string& talker, const std::string& listener, int tree) {
  std::set<int> in_tree;
  if (tree >= 0 && static_cast<std::size_t>(tree) < route.trees.size())
    in_tree.insert(route.trees[static_cast<std::size_t>(tree)].begin(),
                   route.trees[static_cast<std::size_t>(tree)].end());
  int h = -1;
  for (std::size_t i = 0; i < route.hops.size(); ++i)
    if (route.hops[i].ingress.node == listener && (in_tree.empty() || in_tree.count(static_cast<int>(i))))
      h = static_cast<int>(i);
  if (h < 0) return talker + " -> ? -> " + listener;
  std::vector<std::string> parts{listener};
  while (h >= 0) {
    const auto& hop = route.hops[static_cast<std::size_t>(h)];
    parts.push_back(hop.upstream.empty() ? talker : hop.egress.str());
    int next = -1;
    for (int u : hop.upstream)
      if (in_tree.empty() || in_tree.count(u)) next = u;
    h = next;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += (out.empty() ? "" : " -> ") + *it;
  return out;
}

}  // namespace takt::routing
