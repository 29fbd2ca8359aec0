#pragma once
// From a port's scheduled windows to its gate control list, within the port's hardware profile.
// Scheduled windows open only their traffic class (exclusive gating: nothing else can be on the
// wire when a scheduled frame is due); the time between them opens every other class. To fit
// the hardware, windows are rounded outward to the granularity, short entries are absorbed,
// and the gaps between windows are closed from the smallest up (a window is never shortened),
// until the list is short enough, every entry long enough and, where the profile demands it,
// each gate opens once per cycle.
#include <optional>
#include <string>
#include <vector>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::schedule {

struct GclResult {
  std::vector<GateControlEntry> gcl;
  int filled_gaps = 0;                // gaps between windows given to scheduled classes
  std::optional<std::string> error;   // why no list within the profile exists
};

// Uses port.windows, cycle_time, queues and scheduled_classes.
GclResult build_gate_control_list(const PortPlan& port, const model::Profile& profile);

}  // namespace takt::schedule
