#pragma once
// Time-triggered schedule synthesis (IEEE 802.1Qbv) for a plant's scheduled streams.
//
// Greedy and incremental: streams are placed one at a time, most constrained first (shortest
// interval, then tightest max-latency, then longest route), each as strictly periodic windows
// (the same offsets in every interval) so any set of periods, harmonic or not, is checked
// exactly with the pairwise gcd test and no hyperperiod unrolling. For each stream the talker
// offset starts at earliest-transmit-offset and jumps straight past whatever conflict it meets;
// a hop may wait behind another class's window when the deadline allows. Windows then become
// gate control lists within each port's hardware profile.
#include <optional>
#include <string>
#include <vector>

#include "control/model/plant.hpp"
#include "control/routing/issue.hpp"
#include "control/schedule/plan.hpp"

namespace takt::schedule {

using Issue = routing::Issue;
using Issues = routing::Issues;

struct SynthesisOptions {
  int max_offsets_per_stream = 4096;                 // talker offsets tried before a stream is declared unplaceable
  std::int64_t max_hyperperiod_ns = 10'000'000'000;  // 10 s: beyond it the gate lists are unusable anyway
  // Placements repeated after the first when some port's gate control list is too long, each
  // with the hops through the newly failing ports planned to leave early.
  int compaction_rounds = 2;
  // With a kept plan (plan_plant's `keep`): no plan at all when a kept stream would move (other
  // windows or another route); the issues name each such stream and why.
  bool no_move = false;
  // A stream that fits on no offset of its route tries the least-latency routes around the
  // ports where it failed (single-tree streams).
  bool alternative_routes = true;
  // Streams that did not fit try to take the place of a stream in their way, which must then
  // fit elsewhere (never a stream kept from an earlier plan).
  bool repair = true;
  // When streams are left over, place everything again with them first (bounded by the plant's
  // size: see kRestartWork); the best of all rounds is kept.
  int restarts = 32;
};

struct SynthesisResult {
  Plan plan;                           // every stream routed; timing for those placed
  Issues issues;                       // empty iff every stream is routed and placed, every list fits
  std::vector<std::string> unplaced;   // scheduled streams without windows
  std::vector<std::string> moved;      // incremental only: kept streams whose windows or route changed
  std::vector<std::string> moved_why;  // aligned with moved: what changed, as a clause ("its route changed: ...")
  std::size_t scheduled_requested = 0;
  std::size_t scheduled_placed = 0;
  bool ok() const { return issues.empty(); }
};

SynthesisResult synthesise(const model::Plant& plant, const SynthesisOptions& options = {});

// Keeps every stream of `previous` that still exists on its old route while that route holds
// in the plant (even where the router would now choose another), and unchanged (frame sizes,
// interval) on exactly its old windows when they still fit; places the others around them, and
// lists the kept streams that had to move, with why.
SynthesisResult synthesise_incremental(const model::Plant& plant, const Plan& previous,
                                       const SynthesisOptions& options = {});

}  // namespace takt::schedule
