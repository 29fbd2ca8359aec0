#pragma once
// IEEE 802.1Qbv gate engine of one port with a virtual clock: the List Config state machine
// (admin -> oper at ConfigChangeTime, cycle extended or truncated before it) and the cycle /
// list execution, evaluated as a pure function of the time passed in. The TX loop, the
// controller's simulator and the verifier all run this same code. Semantic choices are in
// dataplane/core/README.md.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "dataplane/core/gate_control_list.hpp"
#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/time.hpp"

namespace takt {

// floor(x / cycle) for a cycle time fixed when a schedule is compiled, by a multiplication
// instead of a 64-bit division (tens of cycles, paid on every gate-span query of the packet
// loop). For 0 <= x < 2^63, m = floor(2^64 / cycle) gives q = floor(x * m / 2^64) with
// floor(x / cycle) - 1 <= q <= floor(x / cycle), since x * m / 2^64 > x / cycle - 1; one
// comparison corrects it. Negative x (a query before the base time) and a cycle of 1 ns divide.
class CycleDivider {
 public:
  explicit CycleDivider(std::int64_t cycle)
      : cycle_(cycle), multiplier_(cycle >= 2 ? ~std::uint64_t{0} / static_cast<std::uint64_t>(cycle) : 0) {}

  std::int64_t floor_div(std::int64_t x) const {
    if (x < 0 || multiplier_ == 0) return takt::floor_div(x, cycle_);
    const auto ux = static_cast<std::uint64_t>(x);
    auto q = static_cast<std::uint64_t>((static_cast<U128>(ux) * multiplier_) >> 64);
    if (ux - q * static_cast<std::uint64_t>(cycle_) >= static_cast<std::uint64_t>(cycle_)) ++q;
    return static_cast<std::int64_t>(q);
  }

 private:
  __extension__ typedef unsigned __int128 U128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

  std::int64_t cycle_;
  std::uint64_t multiplier_;  // floor((2^64 - 1) / cycle); 0: divide
};

// "Never" for close / open / event queries: the gate states stay as they are forever.
inline constexpr TaiTime kNever = TaiTime::max();
inline constexpr Nanos kUnboundedWindow = Nanos::max();

// Gate states that hold from a time on: what a transmission selector needs to pick many frames
// against one query.
struct GateSpan {
  std::uint8_t states = kAllGatesOpen;
  TaiTime end = kNever;  // first time after the query at which the states may change
};

class GateEngine {
 public:
  // initial_gate_states is AdminGateStates: the gates until the first list becomes oper.
  explicit GateEngine(std::uint8_t initial_gate_states = kAllGatesOpen);

  // A new admin schedule, written at `now` (List Config CONFIG_PENDING): computes
  // ConfigChangeTime and how the running cycle ends, replacing any pending schedule.
  // Throws ConfigError when the list is invalid; the running schedule is then untouched.
  void set_admin(const GateControlList& admin, TaiTime now);

  // Moves the List Config machine to `now`: the pending schedule becomes oper once
  // now >= ConfigChangeTime. Queries do not need it (they see the pending schedule already);
  // it releases the old schedule and keeps oper()/config_pending() truthful.
  void advance(TaiTime now);

  // Queries, exact for any t at or after the last set_admin()/advance() time. A query for an
  // earlier t extends the oper schedule backwards periodically.
  std::uint8_t gate_states(TaiTime t) const;
  bool is_open(int traffic_class, TaiTime t) const { return ((gate_states(t) >> traffic_class) & 1U) != 0; }
  // The gate states at t and a time after t until which they hold unchanged (the end of the
  // current list entry, cycle or regime; the states may happen to stay the same past it).
  GateSpan gate_span(TaiTime t) const;
  // First time >= t at which the class's gate is closed (t itself if closed at t), kNever if
  // it stays open: a frame of that class may start at t only if it ends by this time.
  TaiTime next_close(int traffic_class, TaiTime t) const;
  // First time >= t at which the class's gate is open (t itself if open), kNever if never.
  TaiTime next_open(int traffic_class, TaiTime t) const;
  // First time > t at which any gate changes state, kNever if none will: when a TX loop with
  // nothing sendable should wake up.
  TaiTime next_gate_event(TaiTime t) const;

  // Longest contiguous open time of a class's gate in the oper and (if any) the pending
  // schedule, kUnboundedWindow if always open in either. A frame needing more can never be
  // sent whole; the transmission selector drops it rather than block the queue forever.
  Nanos longest_open_window(int traffic_class) const { return longest_window_[traffic_class & 7]; }

  // Bit i set when traffic class i's gate is open at every time in the oper and any pending
  // schedule: such a class never closes on a frame.
  std::uint8_t always_open_mask() const {
    std::uint8_t m = oper_ ? oper_->always_open : initial_gate_states_;
    if (pending_) m &= pending_->always_open;
    return m;
  }

  bool config_pending() const { return pending_.has_value(); }
  TaiTime config_change_time() const { return pending_ ? change_time_ : kNever; }
  // Start of the oper schedule's last cycle before the change (ends at ConfigChangeTime,
  // extended or truncated). kNever without a pending change.
  TaiTime final_cycle_start() const { return pending_ ? final_cycle_start_ : kNever; }
  const GateControlList* oper_list() const { return oper_ ? &oper_->list : nullptr; }
  const GateControlList* admin_list() const { return pending_ ? &pending_->list : nullptr; }
  // 802.1Q ConfigChangeError: changes requested with a schedule running and the base time
  // already past.
  std::uint64_t config_change_error() const { return config_change_error_; }
  std::uint64_t config_changes() const { return config_changes_; }

 private:
  struct Segment {
    std::int64_t start = 0;  // offset in the cycle
    std::int64_t end = 0;    // exclusive
    std::uint8_t states = 0;
  };
  // A list compiled to segments that tile [0, cycle): entries past the cycle time are cut,
  // and when the intervals sum to less, the last entry's gate states hold to the cycle end.
  struct Schedule {
    GateControlList list;
    std::vector<Segment> segments;  // empty = all gates open
    // The entries unclipped by the cycle time, for the last cycle before a config change:
    // extended past the cycle time, the list keeps executing (and then holds its last
    // entry) until ConfigChangeTime restarts it.
    std::vector<Segment> entry_segments;
    std::int64_t base = 0;
    std::int64_t cycle = 0;
    CycleDivider cycles{1};  // whole cycles in a time since base: periodic_span's division
    std::int64_t extension = 0;
    std::uint8_t always_open = kAllGatesOpen;  // AND of segment states
    std::uint8_t ever_open = kAllGatesOpen;    // OR of segment states
    bool constant = true;                      // every segment has the same states
    std::array<Nanos, kTrafficClasses> longest_window{};
  };
  // A stretch of time run by one schedule (or by constant gate states), or the single last
  // cycle of the old schedule before a config change.
  struct Regime {
    std::uint8_t always_open;
    std::uint8_t ever_open;
    bool constant;
    TaiTime end;  // kNever for the last regime
  };
  struct Span {
    std::uint8_t states;
    TaiTime end;  // next time the states may change, kNever if they cannot
  };

  static Schedule compile(const GateControlList& list);
  static Span periodic_span(const Schedule& s, std::int64_t t, std::int64_t limit);
  Span span_at(TaiTime t) const;
  Regime regime_at(TaiTime t) const;
  template <class Pred>
  TaiTime first_time(TaiTime from, Pred&& pred) const;
  void refresh_longest_windows();

  std::uint8_t initial_gate_states_;
  std::optional<Schedule> oper_;
  std::optional<Schedule> pending_;
  TaiTime change_time_ = kNever;
  TaiTime final_cycle_start_ = kNever;
  std::array<Nanos, kTrafficClasses> longest_window_{};
  std::uint64_t config_change_error_ = 0;
  std::uint64_t config_changes_ = 0;
};

}  // namespace takt
