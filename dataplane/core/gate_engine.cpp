#include "dataplane/core/gate_engine.hpp"

#include <algorithm>

#include "dataplane/core/config_error.hpp"

namespace takt {

namespace {
constexpr std::int64_t kNeverNs = std::numeric_limits<std::int64_t>::max();
constexpr TaiTime from_ns(std::int64_t ns) { return tai_ns(ns); }
}  // namespace

GateEngine::GateEngine(std::uint8_t initial_gate_states) : initial_gate_states_(initial_gate_states) {
  refresh_longest_windows();
}

GateEngine::Schedule GateEngine::compile(const GateControlList& list) {
  Schedule s;
  s.list = list;
  s.base = ns_of(list.base_time);
  s.cycle = list.cycle_time.count();
  s.cycles = CycleDivider(s.cycle);
  s.extension = list.cycle_time_extension.count();
  if (list.entries.empty()) {
    s.longest_window.fill(kUnboundedWindow);
    return s;
  }
  std::int64_t offset = 0;
  for (const auto& e : list.entries) {
    s.entry_segments.push_back({offset, offset + e.time_interval.count(), e.gate_states});
    offset += e.time_interval.count();
  }
  offset = 0;
  for (const auto& e : list.entries) {
    if (offset >= s.cycle) break;  // cycle shorter than the list: the rest never executes
    const std::int64_t end = std::min(offset + e.time_interval.count(), s.cycle);
    s.segments.push_back({offset, end, e.gate_states});
    offset = end;
  }
  // Cycle longer than the list: the last entry's gate states hold until the cycle restarts.
  s.segments.back().end = s.cycle;

  s.always_open = kAllGatesOpen;
  s.ever_open = 0;
  for (const auto& seg : s.segments) {
    s.always_open &= seg.states;
    s.ever_open |= seg.states;
    s.constant = s.constant && seg.states == s.segments.front().states;
  }
  for (int tc = 0; tc < kTrafficClasses; ++tc) {
    const unsigned bit = 1U << tc;
    if ((s.always_open & bit) != 0) {
      s.longest_window[tc] = kUnboundedWindow;
      continue;
    }
    // Runs of open segments; the run at the end of a cycle continues into the next cycle's
    // first run, so they are joined.
    std::int64_t best = 0, run = 0, prefix = 0;
    bool in_prefix = true;
    for (const auto& seg : s.segments) {
      if ((seg.states & bit) != 0) {
        run += seg.end - seg.start;
      } else {
        if (in_prefix) prefix = run;
        in_prefix = false;
        best = std::max(best, run);
        run = 0;
      }
    }
    s.longest_window[tc] = Nanos{std::max(best, run + prefix)};
  }
  return s;
}

void GateEngine::refresh_longest_windows() {
  for (int tc = 0; tc < kTrafficClasses; ++tc) {
    Nanos w{0};
    if (oper_) {
      w = oper_->longest_window[tc];
    } else if (((initial_gate_states_ >> tc) & 1U) != 0) {
      w = kUnboundedWindow;
    }
    if (pending_) w = std::max(w, pending_->longest_window[tc]);
    longest_window_[tc] = w;
  }
}

void GateEngine::set_admin(const GateControlList& admin, TaiTime now) {
  if (const Status valid = validate(admin); !valid)
    throw ConfigError("gate control list rejected: " + valid.error().message);
  advance(now);
  Schedule next = compile(admin);
  const std::int64_t n = ns_of(now);

  // SetConfigChangeTime(): a future base time is used as is; a past one moves to the first
  // base + N * AdminCycleTime at or after now, and counts as ConfigChangeError when a
  // schedule is already running.
  std::int64_t change = next.base;
  if (next.base < n) {
    if (oper_) ++config_change_error_;
    change = next.segments.empty() ? n : next.base + ceil_div(n - next.base, next.cycle) * next.cycle;
  }

  // How the running schedule ends (SetCycleStartTime() with ConfigPending): its cycles run
  // normally while ConfigChangeTime lies more than OperCycleTime + OperCycleTimeExtension
  // after a cycle start. The first cycle start S for which it does not is the last old cycle:
  // it runs until ConfigChangeTime, extended past S + OperCycleTime by at most the
  // extension, or truncated before it. A cycle already running at `now` cannot be undone.
  std::int64_t final_start = change;
  if (oper_ && !oper_->segments.empty()) {
    const std::int64_t b = oper_->base, c = oper_->cycle, x = oper_->extension;
    const std::int64_t k_first = ceil_div(change - b - c - x, c);
    const std::int64_t k_now = floor_div(n - b, c);
    final_start = b + std::max(k_first, k_now) * c;
  }

  pending_ = std::move(next);
  change_time_ = from_ns(change);
  final_cycle_start_ = from_ns(final_start);
  refresh_longest_windows();
  advance(now);  // a change time equal to now takes effect at once
}

void GateEngine::advance(TaiTime now) {
  if (!pending_ || now < change_time_) return;
  oper_ = std::move(pending_);
  pending_.reset();
  change_time_ = kNever;
  final_cycle_start_ = kNever;
  ++config_changes_;
  refresh_longest_windows();
}

GateEngine::Span GateEngine::periodic_span(const Schedule& s, std::int64_t t, std::int64_t limit) {
  if (s.segments.empty()) return {kAllGatesOpen, from_ns(limit)};
  const std::int64_t cycle_start = s.base + s.cycles.floor_div(t - s.base) * s.cycle;
  const std::int64_t offset = t - cycle_start;
  auto it = std::upper_bound(s.segments.begin(), s.segments.end(), offset,
                             [](std::int64_t off, const Segment& seg) { return off < seg.start; });
  const Segment& seg = *(it - 1);
  return {seg.states, from_ns(std::min(cycle_start + seg.end, limit))};
}

GateEngine::Span GateEngine::span_at(TaiTime t) const {
  if (pending_ && t >= change_time_) return periodic_span(*pending_, ns_of(t), kNeverNs);
  const std::int64_t limit = pending_ ? ns_of(change_time_) : kNeverNs;
  if (!oper_) return {initial_gate_states_, from_ns(limit)};
  const Schedule& s = *oper_;
  if (pending_ && !s.segments.empty() && t >= final_cycle_start_) {
    // The last old cycle, [final start, ConfigChangeTime): truncated, or extended with the
    // list running on past the cycle time and its last entry held.
    const std::int64_t f = ns_of(final_cycle_start_);
    const std::int64_t offset = ns_of(t) - f;
    auto it = std::upper_bound(s.entry_segments.begin(), s.entry_segments.end(), offset,
                               [](std::int64_t off, const Segment& seg) { return off < seg.start; });
    const Segment& seg = *(it - 1);
    if (it == s.entry_segments.end()) return {seg.states, from_ns(limit)};
    return {seg.states, from_ns(std::min(f + seg.end, limit))};
  }
  return periodic_span(s, ns_of(t), limit);
}

GateEngine::Regime GateEngine::regime_at(TaiTime t) const {
  if (pending_ && t >= change_time_) return {pending_->always_open, pending_->ever_open, pending_->constant, kNever};
  if (!oper_) return {initial_gate_states_, initial_gate_states_, true, pending_ ? change_time_ : kNever};
  const Schedule& s = *oper_;
  if (!pending_) return {s.always_open, s.ever_open, s.constant, kNever};
  if (s.segments.empty()) return {kAllGatesOpen, kAllGatesOpen, true, change_time_};
  // One cycle at most: walking it span by span is bounded, so claim nothing about it.
  if (t >= final_cycle_start_) return {0, kAllGatesOpen, false, change_time_};
  return {s.always_open, s.ever_open, s.constant, final_cycle_start_};
}

// Walks spans from `from` until pred matches. A regime whose schedule can never match is
// skipped whole, so the walk is bounded by about one cycle per regime, never by how far
// away ConfigChangeTime is.
template <class Pred>
TaiTime GateEngine::first_time(TaiTime from, Pred&& pred) const {
  TaiTime cur = from;
  for (;;) {
    const Regime r = regime_at(cur);
    if (!pred.possible(r)) {
      if (r.end == kNever) return kNever;
      cur = r.end;
      continue;
    }
    const Span s = span_at(cur);
    if (pred.matches(s.states)) return cur;
    if (s.end == kNever) return kNever;
    cur = s.end;
  }
}

std::uint8_t GateEngine::gate_states(TaiTime t) const { return span_at(t).states; }

GateSpan GateEngine::gate_span(TaiTime t) const {
  const Span s = span_at(t);
  return {s.states, s.end};
}

TaiTime GateEngine::next_close(int traffic_class, TaiTime t) const {
  struct Closed {
    unsigned bit;
    bool matches(std::uint8_t states) const { return (states & bit) == 0; }
    bool possible(const Regime& r) const { return (r.always_open & bit) == 0; }
  };
  return first_time(t, Closed{1U << (traffic_class & 7)});
}

TaiTime GateEngine::next_open(int traffic_class, TaiTime t) const {
  struct Open {
    unsigned bit;
    bool matches(std::uint8_t states) const { return (states & bit) != 0; }
    bool possible(const Regime& r) const { return (r.ever_open & bit) != 0; }
  };
  return first_time(t, Open{1U << (traffic_class & 7)});
}

TaiTime GateEngine::next_gate_event(TaiTime t) const {
  const Span now = span_at(t);
  if (now.end == kNever) return kNever;
  struct Differs {
    std::uint8_t from;
    bool matches(std::uint8_t states) const { return states != from; }
    bool possible(const Regime& r) const { return !r.constant || r.always_open != from; }
  };
  return first_time(now.end, Differs{now.states});
}

}  // namespace takt
