#pragma once
// From a port's scheduled windows to its gate control list, within the port's hardware profile.
// Scheduled windows open only their traffic class (exclusive gating: nothing else can be on the
// wire when a scheduled frame is due); the time between them opens every other class. To fit
// the hardware, windows are rounded outward to the granularity, short entries are absorbed,
// and the gaps between windows are closed from the smallest up (a window is never shortened),
// until the list is short enough, every entry long enough and, where the profile demands it,
// each gate opens once per cycle.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::schedule {

struct GclResult {
  std::vector<GateControlEntry> gcl;
  int filled_gaps = 0;               // gaps between windows given to scheduled classes
  std::optional<std::string> error;  // why no list within the profile exists
  bool over_entry_limit = false;     // the error is the entry count (merging more gaps could help)
};

// Whether the frame of a window may safely leave before the window starts when its gate is
// already open (true for a talker's own window, which it hands over at its offset, and for a
// window into a listener, whose early arrival delays nothing). Only gaps in front of such
// windows are merged to shorten the list: merging any other gap would let a frame leave early
// and reach the next bridge's queue while another stream's frame may still be in it (frame
// isolation). Without a predicate every gap may be merged (the caller vouches for it).
using EarlyDepartureSafe = std::function<bool(const Window&)>;

// Uses port.windows, cycle_time, queues and scheduled_classes.
GclResult build_gate_control_list(const PortPlan& port, const model::Profile& profile,
                                  const EarlyDepartureSafe& safe = {});

}  // namespace takt::schedule
