#pragma once
// IEEE 802.1Qbv administrative schedule of one port: the gate control list plus the base
// time, cycle time and cycle-time extension that say when and how it runs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "dataplane/core/time.hpp"

namespace takt {

inline constexpr std::uint8_t kAllGatesOpen = 0xFF;

// One SetGateStates operation: bit i of gate_states is traffic class i (1 = open), the same
// number as YANG gate-states-value and a tc taprio sched-entry.
struct GateControlEntry {
  std::uint8_t gate_states = kAllGatesOpen;
  Nanos time_interval{0};
  friend bool operator==(const GateControlEntry&, const GateControlEntry&) = default;
};

struct GateControlList {
  std::vector<GateControlEntry> entries;  // AdminControlList; empty = all gates open
  TaiTime base_time{};                    // AdminBaseTime
  // AdminCycleTime. The standard allows a rational number of seconds; takt uses integer ns,
  // which every schedule it synthesises is expressed in.
  Nanos cycle_time{0};
  Nanos cycle_time_extension{0};  // AdminCycleTimeExtension
  friend bool operator==(const GateControlList&, const GateControlList&) = default;
};

// Limits that keep all cycle arithmetic inside int64 at TAI magnitudes (~1.8e18 ns).
inline constexpr std::int64_t kMaxGateIntervalNs = 0xFFFF'FFFFLL;     // YANG time-interval-value: uint32
inline constexpr std::int64_t kMaxCycleTimeNs = 1'000'000'000'000LL;  // 1000 s

// Sum of the entries' time intervals: the natural cycle time of a list.
Nanos sum_of_intervals(const GateControlList& list);

// Fails, naming the offending field and entry, when the list cannot run.
Status validate(const GateControlList& list);

}  // namespace takt
