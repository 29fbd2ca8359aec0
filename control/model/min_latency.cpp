#include "control/model/min_latency.hpp"

#include <algorithm>
#include <queue>
#include <unordered_map>

#include "control/model/frame_model.hpp"

namespace takt::model {

std::optional<MinLatencyPath> min_latency_path(const Plant& plant, const std::string& talker,
                                               const std::string& listener, std::int64_t payload) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < plant.nodes.size(); ++i) index.emplace(plant.nodes[i].name, i);
  auto ti = index.find(talker), li = index.find(listener);
  if (ti == index.end() || li == index.end()) return std::nullopt;

  struct Edge {
    std::size_t to;
    Nanos cost;
  };
  std::vector<std::vector<Edge>> adj(plant.nodes.size());
  for (const auto& l : plant.links) {
    auto a = index.find(l.a.node), b = index.find(l.b.node);
    if (a == index.end() || b == index.end()) continue;
    const Nanos hop = frame_wire_time(plant.defaults.frame_model, payload, true, l.rate_bps) + l.propagation;
    adj[a->second].push_back({b->second, hop});
    adj[b->second].push_back({a->second, hop});
  }
  auto processing = [&](std::size_t node) {
    const Node& n = plant.nodes[node];
    if (n.kind != NodeKind::bridge) return Nanos{0};
    const Profile* p = plant.find_profile(n.profile);
    return p ? p->processing_delay_min : Nanos{0};
  };

  const Nanos inf = Nanos::max();
  std::vector<Nanos> dist(plant.nodes.size(), inf);
  std::vector<std::size_t> prev(plant.nodes.size(), SIZE_MAX);
  using Item = std::pair<Nanos, std::size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  dist[ti->second] = Nanos{0};
  queue.push({Nanos{0}, ti->second});
  while (!queue.empty()) {
    auto [d, u] = queue.top();
    queue.pop();
    if (d != dist[u]) continue;
    if (u == li->second) break;
    // Frames leave an end station only if it is the talker.
    if (u != ti->second && plant.nodes[u].kind != NodeKind::bridge) continue;
    for (const auto& e : adj[u]) {
      const Nanos nd = d + e.cost + (e.to == li->second ? Nanos{0} : processing(e.to));
      if (nd < dist[e.to]) {
        dist[e.to] = nd;
        prev[e.to] = u;
        queue.push({nd, e.to});
      }
    }
  }
  if (dist[li->second] == inf) return std::nullopt;
  MinLatencyPath out;
  out.latency = dist[li->second];
  for (std::size_t v = li->second; v != SIZE_MAX; v = prev[v]) out.nodes.push_back(plant.nodes[v].name);
  std::reverse(out.nodes.begin(), out.nodes.end());
  return out;
}

}  // namespace takt::model
