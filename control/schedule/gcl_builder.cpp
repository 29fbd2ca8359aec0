#include "control/schedule/gcl_builder.hpp"

#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "dataplane/core/time.hpp"

namespace takt::schedule {
namespace {

struct Run {
  std::int64_t start;
  std::int64_t end;
  std::uint32_t state;
  std::int64_t length() const { return end - start; }
};

void coalesce(std::vector<Run>& runs) {
  std::vector<Run> out;
  for (const auto& r : runs) {
    if (r.length() <= 0) continue;
    if (!out.empty() && out.back().state == r.state)
      out.back().end = r.end;
    else
      out.push_back(r);
  }
  runs.swap(out);
}

// Times a class's gate opens per cycle; a run at the end and one at the start of the cycle are
// one opening that spans the cycle boundary.
int openings(const std::vector<Run>& runs, std::uint32_t bit) {
  int n = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const bool open = runs[i].state & bit;
    const bool prev_open = i > 0 && (runs[i - 1].state & bit);
    if (open && !prev_open) ++n;
  }
  if (n > 1 && (runs.front().state & bit) && (runs.back().state & bit)) --n;
  return n;
}

using ClassStarts = std::array<std::vector<std::pair<std::int64_t, bool>>, 32>;

// A port's gate states over one cycle while its list is built: the runs of equal state, and
// what the steps share.
struct GclDraft {
  std::vector<Run> runs;
  // Per traffic class, the sorted rounded starts of its window occurrences and whether each
  // one's frame may leave early: filling a gap opens a class's gate sooner than its next window.
  ClassStarts starts_of{};
  std::uint32_t others = 0;     // the state of a gap: every class that is not scheduled
  std::uint32_t scheduled = 0;  // the scheduled classes
  int filled_gaps = 0;

  bool is_gap(const Run& x) const { return x.state == others; }
  // Give a gap to the scheduled neighbour before it (after it for the first run): the gate that
  // is open anyway stays open, which is what merging two windows means.
  std::size_t fill_from(std::size_t i) const { return i > 0 ? i - 1 : (runs.size() > 1 ? 1 : 0); }
  void fill(std::size_t i) {
    runs[i].state = runs[fill_from(i)].state;
    ++filled_gaps;
  }
  // A gap is risky to fill when a class it would open has, next after it, a window whose frame
  // must not leave early: that frame could be queued during the gap and go.
  bool risky(std::size_t i) const {
    const std::uint32_t opened = runs[fill_from(i)].state & scheduled;
    for (std::size_t c = 0; c < 32; ++c) {
      if (!(opened & (1u << c)) || starts_of[c].empty()) continue;
      const auto& v = starts_of[c];
      auto it = std::lower_bound(v.begin(), v.end(), std::pair<std::int64_t, bool>{runs[i].end, false});
      if (it == v.end()) it = v.begin();  // the next one is in the next cycle
      for (const auto at = it->first; it != v.end() && it->first == at; ++it)
        if (!it->second) return true;
    }
    return false;
  }
};

// Sweeps the rounded window occurrences; where windows touch or overlap the states add up.
void sweep_windows(GclDraft& d, const PortPlan& port, std::int64_t cycle, std::int64_t gran,
                   const EarlyDepartureSafe& safe) {
  std::vector<std::pair<std::int64_t, int>> events;  // (time, +class+1 opens / -(class+1) closes)
  auto add = [&](std::int64_t s, std::int64_t e, int tc) {
    events.push_back({s, tc + 1});
    events.push_back({e, -(tc + 1)});
  };
  for (const auto& inst : expand_windows(port)) {
    const std::int64_t s = floor_div(inst.start.count(), gran) * gran;
    d.starts_of[static_cast<std::size_t>(inst.traffic_class & 31)].push_back({s, !safe || safe(*inst.window)});
    const std::int64_t e = ceil_div(inst.start.count() + inst.length.count(), gran) * gran;
    if (e <= cycle)
      add(s, e, inst.traffic_class);
    else {
      add(s, cycle, inst.traffic_class);
      add(0, std::min(e - cycle, cycle), inst.traffic_class);
    }
  }
  std::sort(events.begin(), events.end());
  std::array<int, 32> open{};
  std::int64_t t = 0;
  auto state_now = [&]() {
    std::uint32_t s = 0;
    for (int c = 0; c < 32; ++c)
      if (open[static_cast<std::size_t>(c)] > 0) s |= 1u << c;
    return s == 0 ? d.others : s;
  };
  for (const auto& [time, delta] : events) {
    if (time > t) d.runs.push_back({t, time, state_now()});
    t = std::max(t, time);
    open[static_cast<std::size_t>(std::abs(delta) - 1)] += delta > 0 ? 1 : -1;
  }
  if (t < cycle) d.runs.push_back({t, cycle, state_now()});
  coalesce(d.runs);
  for (auto& v : d.starts_of) std::sort(v.begin(), v.end());
}

// For hardware with one window per queue: each scheduled class's gate stays open from its first
// to its last window, closed only across the longest stretch without its windows.
void one_window_per_queue(GclDraft& d, int queues, std::int64_t cycle) {
  auto& runs = d.runs;
  for (int c = 0; c < queues; ++c) {
    const std::uint32_t bit = 1u << c;
    if (!(d.scheduled & bit) || openings(runs, bit) <= 1) continue;
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (runs[i].state & bit) idx.push_back(i);
    std::size_t best = idx.size() - 1;  // the stretch after idx[best] up to the next opening
    std::int64_t best_len = runs[idx.front()].start + cycle - runs[idx.back()].end;
    for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
      const auto len = runs[idx[k + 1]].start - runs[idx[k]].end;
      if (len > best_len) best_len = len, best = k;
    }
    auto open_it = [&](std::size_t i) {
      if (runs[i].state & bit) return;
      runs[i].state = d.is_gap(runs[i]) ? bit : (runs[i].state | bit);
      ++d.filled_gaps;
    };
    if (best == idx.size() - 1) {
      for (std::size_t i = idx.front(); i <= idx.back(); ++i) open_it(i);
    } else {
      for (std::size_t i = idx[best + 1]; i < runs.size(); ++i) open_it(i);
      for (std::size_t i = 0; i <= idx[best]; ++i) open_it(i);
    }
    coalesce(runs);
  }
}

// Entries shorter than the profile's minimum gate interval: a gap is filled, a window lengthened.
void lengthen_short_entries(GclDraft& d, std::int64_t min_len) {
  auto& runs = d.runs;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < runs.size() && runs.size() > 1; ++i) {
      if (runs[i].length() >= min_len) continue;
      changed = true;
      if (d.is_gap(runs[i])) {
        d.fill(i);
      } else if (i + 1 < runs.size()) {
        // Lengthen a short window at its end, taking all of the next entry if the rest would be short.
        auto& next = runs[i + 1];
        const std::int64_t need = min_len - runs[i].length();
        if (next.length() - need >= min_len) {
          runs[i].end += need;
          next.start += need;
        } else {
          runs[i].end = next.end;
          runs[i].state |= d.is_gap(next) ? 0u : next.state;
          next.end = next.start;
        }
      } else {
        // The last entry: lengthen it at its start instead, so the list still ends at the cycle end.
        auto& prev = runs[i - 1];
        const std::int64_t need = min_len - runs[i].length();
        if (prev.length() - need >= min_len) {
          runs[i].start -= need;
          prev.end -= need;
        } else {
          runs[i].start = prev.start;
          runs[i].state |= d.is_gap(prev) ? 0u : prev.state;
          prev.end = prev.start;
        }
      }
      coalesce(runs);
      break;
    }
  }
}

// More entries than the profile allows: the shortest gaps are merged into their windows.
void fill_gaps_to_limit(GclDraft& d, std::size_t limit) {
  auto& runs = d.runs;
  if (runs.size() <= limit) return;
  std::vector<std::size_t> gaps;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (d.is_gap(runs[i])) gaps.push_back(i);
  // Filling a risky gap would let a frame leave early and reach the next bridge's queue while
  // another stream's frame may still be there; those gaps stay, and the list may not fit.
  const auto all_gaps = gaps.size();
  std::erase_if(gaps, [&](std::size_t i) { return d.risky(i); });
  std::stable_sort(gaps.begin(), gaps.end(),
                   [&](std::size_t a, std::size_t b) { return runs[a].length() < runs[b].length(); });
  // Bounded and best-effort classes keep at least one opening per cycle: a risky gap that
  // stays, or else the longest gap.
  if (!gaps.empty() && gaps.size() == all_gaps) gaps.pop_back();
  // Gaps never touch each other, so each one's saving is known up front: it joins the window
  // before it, and the one after too when both open the same classes.
  std::size_t count = runs.size();
  for (std::size_t i : gaps) {
    if (count <= limit) break;
    const bool interior = i > 0 && i + 1 < runs.size();
    count -= (interior && runs[i - 1].state == runs[i + 1].state) ? 2 : 1;
    d.fill(i);
  }
  coalesce(runs);
}

}  // namespace

GclResult build_gate_control_list(const PortPlan& port, const model::Profile& profile, const EarlyDepartureSafe& safe) {
  GclResult r;
  const std::int64_t cycle = port.cycle_time.count();
  const std::int64_t gran = std::max<std::int64_t>(1, profile.granularity.count());
  const std::uint32_t all = port.queues >= 32 ? 0xffffffffu : ((1u << port.queues) - 1u);
  const auto name = port.port.str();
  if (cycle <= 0) {
    r.error = fmt::format("port {} has no cycle time", name);
    return r;
  }
  if (cycle % gran != 0) {
    r.error = fmt::format("port {} needs a cycle of {} ns, not a multiple of its profile {}'s granularity {} ns", name,
                          cycle, profile.name, gran);
    return r;
  }
  GclDraft d;
  d.others = all & ~port.scheduled_classes;
  d.scheduled = port.scheduled_classes;
  sweep_windows(d, port, cycle, gran, safe);
  if (profile.one_window_per_queue) one_window_per_queue(d, port.queues, cycle);
  lengthen_short_entries(d, ceil_div(std::max<std::int64_t>(profile.min_gate_interval.count(), 1), gran) * gran);
  const auto limit = static_cast<std::size_t>(std::max(profile.max_gcl_entries, 1));
  const std::size_t needed = d.runs.size();
  fill_gaps_to_limit(d, limit);
  r.filled_gaps = d.filled_gaps;

  if (d.runs.size() > limit) {
    r.over_entry_limit = true;
    r.error = fmt::format("port {} would need {} gate control entries where its profile {} allows {}", name, needed,
                          profile.name, limit);
    return r;
  }
  if (profile.one_window_per_queue) {
    for (int c = 0; c < port.queues; ++c) {
      if (openings(d.runs, 1u << c) > 1) {
        r.error = fmt::format(
            "port {}: traffic class {} would open {} times per cycle where its profile {} allows one "
            "window per queue",
            name, c, openings(d.runs, 1u << c), profile.name);
        return r;
      }
    }
  }
  for (const auto& x : d.runs) r.gcl.push_back({x.state, Nanos{x.length()}});
  return r;
}

}  // namespace takt::schedule
