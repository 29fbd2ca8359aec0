#include "control/schedule/plan.hpp"

#include <algorithm>

namespace takt::schedule {

std::vector<WindowInstance> expand_windows(const PortPlan& port) {
  std::vector<WindowInstance> out;
  for (const auto& w : port.windows) {
    if (w.interval.count() <= 0 || port.cycle_time.count() <= 0) continue;
    for (auto t = w.start; t < port.cycle_time; t += w.interval) out.push_back({t, w.length, w.traffic_class, &w});
  }
  std::sort(out.begin(), out.end(), [](const WindowInstance& a, const WindowInstance& b) { return a.start < b.start; });
  return out;
}

}  // namespace takt::schedule
