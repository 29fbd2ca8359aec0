#include "control/routing/disjoint_paths.hpp"

#include <deque>
#include <limits>

#include <fmt/format.h>

namespace takt::routing {
namespace {

// Residual network over split nodes: node v becomes v_in = 2v and v_out = 2v + 1, joined by an
// edge of capacity 1 (2 at source and sink) so no intermediate node carries both paths.
struct FlowNet {
  struct Edge {
    int to;
    int cap;
    std::int64_t cost;
    int arc;  // topology arc, or -1 for the split edge
  };
  std::vector<Edge> edges;
  std::vector<std::vector<int>> adj;

  explicit FlowNet(std::size_t n) : adj(n) {}
  void add(int from, int to, int cap, std::int64_t cost, int arc) {
    adj[static_cast<std::size_t>(from)].push_back(static_cast<int>(edges.size()));
    edges.push_back({to, cap, cost, arc});
    adj[static_cast<std::size_t>(to)].push_back(static_cast<int>(edges.size()));
    edges.push_back({from, 0, -cost, arc});
  }

  // One augmenting path of least cost (SPFA: residual costs can be negative). Returns false
  // when the sink is unreachable.
  bool augment(int s, int t) {
    constexpr auto inf = std::numeric_limits<std::int64_t>::max();
    std::vector<std::int64_t> dist(adj.size(), inf);
    std::vector<int> via(adj.size(), -1);
    std::vector<char> queued(adj.size(), 0);
    std::deque<int> q{s};
    dist[static_cast<std::size_t>(s)] = 0;
    while (!q.empty()) {
      const int u = q.front();
      q.pop_front();
      queued[static_cast<std::size_t>(u)] = 0;
      for (int e : adj[static_cast<std::size_t>(u)]) {
        const Edge& ed = edges[static_cast<std::size_t>(e)];
        if (ed.cap <= 0) continue;
        const auto nd = dist[static_cast<std::size_t>(u)] + ed.cost;
        if (nd < dist[static_cast<std::size_t>(ed.to)]) {
          dist[static_cast<std::size_t>(ed.to)] = nd;
          via[static_cast<std::size_t>(ed.to)] = e;
          if (!queued[static_cast<std::size_t>(ed.to)]) {
            queued[static_cast<std::size_t>(ed.to)] = 1;
            q.push_back(ed.to);
          }
        }
      }
    }
    if (dist[static_cast<std::size_t>(t)] == inf) return false;
    for (int v = t; v != s;) {
      const int e = via[static_cast<std::size_t>(v)];
      edges[static_cast<std::size_t>(e)].cap -= 1;
      edges[static_cast<std::size_t>(e ^ 1)].cap += 1;
      v = edges[static_cast<std::size_t>(e ^ 1)].to;
    }
    return true;
  }
};

// Shortest-hop reachability from source to sink avoiding `banned` node (or arc when node < 0).
bool reachable(const Topology& topo, int source, int sink, const std::function<std::int64_t(int)>& cost,
               int banned_node, int banned_arc) {
  std::vector<char> seen(topo.node_count(), 0);
  std::deque<int> q{source};
  seen[static_cast<std::size_t>(source)] = 1;
  while (!q.empty()) {
    const int u = q.front();
    q.pop_front();
    if (u == sink) return true;
    for (int a : topo.out_arcs(u)) {
      const int v = topo.arc(a).to;
      if (a == banned_arc || v == banned_node || seen[static_cast<std::size_t>(v)] || cost(a) < 0) continue;
      seen[static_cast<std::size_t>(v)] = 1;
      q.push_back(v);
    }
  }
  return false;
}

}  // namespace

std::optional<std::pair<ArcPath, ArcPath>> disjoint_pair(const Topology& topo, int source, int sink,
                                                         const std::function<std::int64_t(int)>& cost) {
  const auto n = topo.node_count();
  FlowNet net(2 * n);
  for (std::size_t v = 0; v < n; ++v) {
    const int cap = (static_cast<int>(v) == source || static_cast<int>(v) == sink) ? 2 : 1;
    net.add(static_cast<int>(2 * v), static_cast<int>(2 * v + 1), cap, 0, -1);
  }
  for (std::size_t a = 0; a < topo.arcs().size(); ++a) {
    const auto c = cost(static_cast<int>(a));
    if (c < 0) continue;
    const Arc& arc = topo.arcs()[a];
    net.add(2 * arc.from + 1, 2 * arc.to, 1, c, static_cast<int>(a));
  }
  const int s = 2 * source + 1, t = 2 * sink;
  if (!net.augment(s, t) || !net.augment(s, t)) return std::nullopt;

  // Decompose the two units of flow into paths by following saturated forward edges.
  auto walk = [&]() {
    ArcPath path;
    int v = s;
    while (v != t) {
      const int before = v;
      for (int e : net.adj[static_cast<std::size_t>(v)]) {
        auto& ed = net.edges[static_cast<std::size_t>(e)];
        const bool forward = (e % 2) == 0;
        if (forward && net.edges[static_cast<std::size_t>(e ^ 1)].cap > 0) {
          net.edges[static_cast<std::size_t>(e ^ 1)].cap -= 1;  // consume this unit
          if (ed.arc >= 0) path.push_back(ed.arc);
          v = ed.to;
          break;
        }
      }
      if (v == before) return ArcPath{};  // cannot happen for a valid flow; never loop
    }
    return path;
  };
  ArcPath p1 = walk(), p2 = walk();
  std::int64_t c1 = 0, c2 = 0;
  for (int a : p1) c1 += cost(a);
  for (int a : p2) c2 += cost(a);
  if (c2 < c1) std::swap(p1, p2);
  return std::make_pair(std::move(p1), std::move(p2));
}

std::string explain_no_disjoint_pair(const Topology& topo, int source, int sink,
                                     const std::function<std::int64_t(int)>& cost) {
  const auto& from = topo.node(source).name;
  const auto& to = topo.node(sink).name;
  if (!reachable(topo, source, sink, cost, -1, -1))
    return fmt::format("there is no path at all from {} to {}", from, to);
  for (std::size_t v = 0; v < topo.node_count(); ++v) {
    const int node = static_cast<int>(v);
    if (node == source || node == sink) continue;
    if (!reachable(topo, source, sink, cost, node, -1))
      return fmt::format("every path from {} to {} passes through {}", from, to, topo.node(node).name);
  }
  for (std::size_t a = 0; a < topo.arcs().size(); ++a) {
    if (!reachable(topo, source, sink, cost, -1, static_cast<int>(a)))
      return fmt::format("every path from {} to {} uses the link {} -> {}", from, to, topo.arcs()[a].egress.str(),
                         topo.arcs()[a].ingress.str());
  }
  return fmt::format("{} and {} have no two node-disjoint paths", from, to);
}

}  // namespace takt::routing
