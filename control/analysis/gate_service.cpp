#include "control/analysis/gate_service.hpp"

#include <algorithm>
#include <vector>

namespace takt::analysis {
namespace {

struct Stretch {
  std::int64_t start = 0;  // within [0, cycle)
  std::int64_t length = 0;
};

// The open stretches of one cycle, adjacent open entries merged, one running over the cycle end
// merged with one at the start (it continues there), each shortened by the guard band.
std::vector<Stretch> open_stretches(const schedule::PortPlan& port, int traffic_class, std::int64_t guard) {
  const std::uint32_t bit = 1u << traffic_class;
  std::vector<Stretch> raw;
  std::int64_t t = 0;
  for (const auto& e : port.gcl) {
    const bool open = (e.gate_states & bit) && !(e.gate_states & port.scheduled_classes);
    if (open) {
      if (!raw.empty() && raw.back().start + raw.back().length == t)
        raw.back().length += e.interval.count();
      else
        raw.push_back({t, e.interval.count()});
    }
    t += e.interval.count();
  }
  const std::int64_t cycle = t;
  if (raw.size() > 1 && raw.front().start == 0 && raw.back().start + raw.back().length == cycle) {
    raw.back().length += raw.front().length;
    raw.erase(raw.begin());
  }
  if (raw.size() == 1 && raw.front().length == cycle) return raw;  // never closed: no guard band
  std::vector<Stretch> out;
  for (const auto& s : raw)
    if (s.length > guard) out.push_back({s.start, s.length - guard});
  return out;
}

}  // namespace

GateService gate_service(const schedule::PortPlan* port, int traffic_class, std::int64_t link_rate_bps, Nanos guard) {
  GateService g;
  if (!port || port->gcl.empty() || port->cycle_time.count() <= 0) {
    g.curve = {link_rate_bps, Nanos{0}};
    return g;
  }
  const std::int64_t cycle = port->cycle_time.count();
  const auto stretches = open_stretches(*port, traffic_class, guard.count());
  g.cycle = port->cycle_time;
  std::int64_t open = 0;
  for (const auto& s : stretches) open += s.length;
  g.open_per_cycle = Nanos{open};
  if (open == 0) {
    g.longest_closed = port->cycle_time;
    g.curve = {0, Nanos{0}};
    return g;
  }
  if (open == cycle) {
    g.curve = {link_rate_bps, Nanos{0}};
    return g;
  }
  // Long-term rate: the open share of the link rate, rounded down.
  g.curve.rate_bps = mul_div_floor(link_rate_bps, open, cycle);
  // Latency: the largest t - service(s, s + t) / rate over every start s and length t. Service
  // accrues at the link rate while open, so service / rate = open time * cycle / open. The
  // largest values occur for s at the start of a closed stretch and t at the end of one; one
  // cycle of ends suffices (the pattern repeats and gains as much as it loses per cycle).
  const std::size_t n = stretches.size();
  Wide worst = 0;  // in ns * open, to stay exact
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t s = stretches[i].start + stretches[i].length;  // a closed stretch begins
    std::int64_t served = 0;
    for (std::size_t k = 1; k <= n; ++k) {
      const Stretch& next = stretches[(i + k) % n];
      std::int64_t e = next.start;  // the closed stretch ends where the next open one begins
      if (e < s || (k == n && e <= s)) e += cycle * ((s - e) / cycle + 1);
      if (k == 1) g.longest_closed = std::max(g.longest_closed, Nanos{e - s});
      const Wide value = static_cast<Wide>(e - s) * open - static_cast<Wide>(served) * cycle;
      worst = std::max(worst, value);
      served += next.length;
    }
  }
  g.curve.latency = Nanos{static_cast<std::int64_t>((worst + open - 1) / open)};
  // The rate was rounded down; the latency above assumed the exact rate, which only makes the
  // rounded curve lie further below the real service.
  return g;
}

}  // namespace takt::analysis
