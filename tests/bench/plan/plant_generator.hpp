#pragma once
// Synthetic plants in the manner of TSNKit's benchmark generator, so numbers are comparable:
// line, ring, binary tree and mesh (ring plus chords) of bridges, one end station per bridge
// (plus a few extra), 1 Gb/s links, 2 us processing per hop, and streams drawn from TSNKit's
// period, size and deadline patterns. Deterministic for a given seed.
#include <cstdint>
#include <string>
#include <vector>

#include "control/model/plant.hpp"

namespace takt::bench {

enum class Topology { line, ring, tree, mesh };

struct GeneratorSpec {
  Topology topology = Topology::ring;
  int bridges = 8;
  int extra_end_stations = 0;  // beyond one per bridge, attached to random bridges
  int streams = 10;
  int period_pattern = 0;         // index into period_patterns()
  int size_pattern = 0;           // index into size_patterns()
  bool implicit_deadline = true;  // deadline = period; else hops x (2 us + 8 ns x size) + slack
  std::int64_t slack_ns = 0;
  int multicast_percent = 0;  // streams with two listeners
  int redundant_percent = 0;  // streams with num-seamless-trees 2
  // Mesh only: besides the chords across the ring, chords from every third bridge to the ones a
  // quarter, an eighth, ... of the ring away, so paths take a few hops as over a plant backbone
  // (the plain mesh of 200 bridges has paths of 30 hops on average).
  bool short_paths = false;
  std::int64_t sync_error_budget_ns = 1000;
  std::uint64_t seed = 1;
};

const std::vector<std::vector<std::int64_t>>& period_patterns();            // ns
const std::vector<std::pair<std::int64_t, std::int64_t>>& size_patterns();  // bytes, [min, max]
const char* to_string(Topology t);

model::Plant generate_plant(const GeneratorSpec& spec);

}  // namespace takt::bench
