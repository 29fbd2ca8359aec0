#include "tests/bench/plan/plant_generator.hpp"

#include <random>
#include <set>

#include <fmt/format.h>

namespace takt::bench {

const std::vector<std::vector<std::int64_t>>& period_patterns() {
  static const std::vector<std::vector<std::int64_t>> p = {
      {2'000'000},
      {400'000},
      {500'000, 1'000'000, 2'000'000, 4'000'000},
      {100'000, 200'000, 400'000, 800'000},
      {250'000, 500'000, 1'250'000, 2'500'000, 4'000'000},  // not harmonic
      {50'000, 100'000, 250'000, 500'000, 800'000},
  };
  return p;
}

const std::vector<std::pair<std::int64_t, std::int64_t>>& size_patterns() {
  static const std::vector<std::pair<std::int64_t, std::int64_t>> s = {
      {50, 50}, {100, 500}, {200, 1500}, {500, 4500}, {1500, 4500}};
  return s;
}

const char* to_string(Topology t) {
  switch (t) {
    case Topology::line:
      return "line";
    case Topology::ring:
      return "ring";
    case Topology::tree:
      return "tree";
    case Topology::mesh:
      return "mesh";
  }
  return "?";
}

model::Plant generate_plant(const GeneratorSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  model::Plant plant;
  plant.name = fmt::format("{}-{}b-{}s-p{}-s{}-seed{}", to_string(spec.topology), spec.bridges, spec.streams,
                           spec.period_pattern, spec.size_pattern, spec.seed);
  plant.defaults.sync_error_budget = Nanos{spec.sync_error_budget_ns};
  model::Profile bridge;
  bridge.name = "bench-bridge";
  bridge.processing_delay_min = Nanos{1000};
  bridge.processing_delay_max = Nanos{2000};
  model::Profile station;
  station.name = "bench-station";
  plant.profiles = {bridge, station};

  std::vector<int> next_port;
  auto add_node = [&](std::string name, model::NodeKind kind) {
    model::Node n;
    n.name = std::move(name);
    n.kind = kind;
    n.profile = kind == model::NodeKind::bridge ? "bench-bridge" : "bench-station";
    plant.nodes.push_back(n);
    next_port.push_back(0);
    return static_cast<int>(plant.nodes.size()) - 1;
  };
  auto connect = [&](int a, int b) {
    auto port = [&](int n) {
      auto name = fmt::format("p{}", next_port[static_cast<std::size_t>(n)]++);
      plant.nodes[static_cast<std::size_t>(n)].ports.push_back(name);
      return model::PortRef{plant.nodes[static_cast<std::size_t>(n)].name, name};
    };
    model::Link l;
    l.a = port(a);
    l.b = port(b);
    l.rate_bps = 1'000'000'000;
    l.propagation = Nanos{50};  // 10 m of cable
    plant.links.push_back(l);
  };
  const int nb = std::max(2, spec.bridges);
  for (int i = 0; i < nb; ++i) add_node(fmt::format("sw{}", i), model::NodeKind::bridge);
  std::set<std::pair<int, int>> linked;
  auto link_bridges = [&](int a, int b) {
    if (a == b || !linked.insert({std::min(a, b), std::max(a, b)}).second) return;
    connect(a, b);
  };
  switch (spec.topology) {
    case Topology::line:
      for (int i = 1; i < nb; ++i) link_bridges(i - 1, i);
      break;
    case Topology::ring:
      for (int i = 1; i < nb; ++i) link_bridges(i - 1, i);
      link_bridges(nb - 1, 0);
      break;
    case Topology::tree:
      for (int i = 1; i < nb; ++i) link_bridges((i - 1) / 2, i);
      break;
    case Topology::mesh:
      for (int i = 1; i < nb; ++i) link_bridges(i - 1, i);
      link_bridges(nb - 1, 0);
      // Chords across the ring every few bridges shorten paths the way TSNKit's meshes do.
      for (int i = 0; i < nb; i += 3) link_bridges(i, (i + nb / 2) % nb);
      if (spec.short_paths)
        for (int d = nb / 4; d >= 4; d /= 2)
          for (int i = 0; i < nb; i += 3) link_bridges(i, (i + d) % nb);
      break;
  }
  std::vector<int> stations;
  for (int i = 0; i < nb; ++i) {
    const int es = add_node(fmt::format("es{}", i), model::NodeKind::end_station);
    connect(es, i);
    stations.push_back(es);
  }
  for (int i = 0; i < spec.extra_end_stations; ++i) {
    const int es = add_node(fmt::format("es{}", nb + i), model::NodeKind::end_station);
    connect(es, static_cast<int>(rng() % static_cast<std::uint64_t>(nb)));
    stations.push_back(es);
  }

  const auto& periods = period_patterns()[static_cast<std::size_t>(spec.period_pattern) % period_patterns().size()];
  const auto [smin, smax] = size_patterns()[static_cast<std::size_t>(spec.size_pattern) % size_patterns().size()];
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  for (int i = 0; i < spec.streams; ++i) {
    model::Stream s;
    s.name = fmt::format("f{}", i);
    const int talker = stations[pick(stations.size())];
    int listener = talker;
    while (listener == talker) listener = stations[pick(stations.size())];
    s.talker = plant.nodes[static_cast<std::size_t>(talker)].name;
    s.listeners = {plant.nodes[static_cast<std::size_t>(listener)].name};
    if (static_cast<int>(rng() % 100) < spec.multicast_percent && stations.size() > 2) {
      int second = talker;
      while (second == talker || second == listener) second = stations[pick(stations.size())];
      s.listeners.push_back(plant.nodes[static_cast<std::size_t>(second)].name);
    }
    s.interval = Nanos{periods[pick(periods.size())]};
    s.max_frame_size = smin + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(smax - smin + 1));
    if (spec.implicit_deadline) {
      s.max_latency = s.interval;
    } else {
      // TSNKit: hops x (2 us + 8 ns x size) plus a slack; we count bridges crossed + 1 as hops
      // on the ring distance, which is what its generator's shortest path gives.
      const int a = talker % nb, b = listener % nb;
      const int d = std::abs(a - b);
      const int hops = (spec.topology == Topology::line ? d : std::min(d, nb - d)) + 2;
      s.max_latency = std::min(s.interval, Nanos{hops * (2000 + 8 * s.max_frame_size) + spec.slack_ns});
    }
    s.traffic_class = model::TrafficClassKind::scheduled;
    s.vlan = 100;
    s.pcp = 6;
    s.num_seamless_trees = static_cast<int>(rng() % 100) < spec.redundant_percent ? 2 : 1;
    plant.streams.push_back(s);
  }
  return plant;
}

}  // namespace takt::bench
