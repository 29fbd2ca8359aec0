#include "dataplane/core/gate_control_list.hpp"

namespace takt {

Nanos sum_of_intervals(const GateControlList& list) {
  Nanos sum{0};
  for (const auto& e : list.entries) sum += e.time_interval;
  return sum;
}

Status validate(const GateControlList& list) {
  if (list.cycle_time_extension < Nanos{0} || list.cycle_time_extension.count() > kMaxCycleTimeNs)
    return Error{"cycle-time-extension " + std::to_string(list.cycle_time_extension.count()) + " ns is outside 0.." +
                 std::to_string(kMaxCycleTimeNs) + " ns"};
  if (list.entries.empty()) return {};  // all gates open; cycle time is irrelevant
  if (list.cycle_time <= Nanos{0} || list.cycle_time.count() > kMaxCycleTimeNs)
    return Error{"cycle time " + std::to_string(list.cycle_time.count()) + " ns must be in 1.." +
                 std::to_string(kMaxCycleTimeNs) + " ns (the sum of the intervals here is " +
                 std::to_string(sum_of_intervals(list).count()) + " ns)"};
  for (std::size_t i = 0; i < list.entries.size(); ++i) {
    const auto ns = list.entries[i].time_interval.count();
    if (ns <= 0 || ns > kMaxGateIntervalNs)
      return Error{"gate control entry " + std::to_string(i) + ": time interval " + std::to_string(ns) +
                   " ns must be in 1.." + std::to_string(kMaxGateIntervalNs) + " ns"};
  }
  return {};
}

}  // namespace takt
