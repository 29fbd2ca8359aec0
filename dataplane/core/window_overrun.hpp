#pragma once
// Whether a bridge held a frame past a gate opening it could have used: the frame was queued
// while (or before) its traffic class's gate was open, fitted before the gate closed, and still
// started after that. On a schedule planned with a timing error per hop this means the bridge
// did not run when it should have (a host stall) or more frames waited than the window holds;
// either way the frame now waits for a later opening, which is how deadlines are missed. A
// frame that became ready too late to fit before the close waits for the next opening by
// design (the length-aware guard band) and is not an overrun of that one.
#include <algorithm>

#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/time.hpp"

namespace takt {

// `ready`: when the frame was queued; `start`: when its transmission started; `wire`: its
// transmission time at the port's rate.
inline bool held_past_window(const GateEngine& gates, int traffic_class, TaiTime ready, TaiTime start, Nanos wire) {
  TaiTime open = gates.next_open(traffic_class, ready);
  // The first opening it fitted in decides; one it was too late for passes to the next.
  for (int i = 0; i < 2 && open != kNever && open < start; ++i) {
    const TaiTime close = gates.next_close(traffic_class, open);
    if (close == kNever) return false;  // open from here on: nothing to hold it past
    const TaiTime latest_start = close - wire;
    if (std::max(open, ready) <= latest_start) return start > latest_start;
    open = gates.next_open(traffic_class, close);
  }
  return false;
}

// held_past_window for one traffic class of one port, remembering the open window it last
// looked up: the frames of a burst are queued and sent within one window, so each costs a few
// comparisons instead of four gate queries. Exactly held_past_window's answer for the same
// engine; reset() when the port's engine is replaced (a new schedule).
class WindowOverrunCheck {
 public:
  bool operator()(const GateEngine& gates, int traffic_class, TaiTime ready, TaiTime start, Nanos wire) {
    // [from_, close_at_): the gate is closed before open_from_ and open from it until close_at_,
    // so for a frame ready in that stretch the first opening is max(ready, open_from_).
    if (valid_ && ready >= from_ && ready < close_at_) {
      if (open_from_ == kNever || close_at_ == kNever) return false;  // never opens or never closes
      const TaiTime latest_start = close_at_ - wire;
      if (std::max(ready, open_from_) <= latest_start) return start > latest_start;
    }
    remember(gates, traffic_class, ready);
    return held_past_window(gates, traffic_class, ready, start, wire);
  }

  void reset() { valid_ = false; }

 private:
  void remember(const GateEngine& gates, int traffic_class, TaiTime ready) {
    from_ = ready;
    open_from_ = gates.next_open(traffic_class, ready);
    close_at_ = open_from_ == kNever ? kNever : gates.next_close(traffic_class, open_from_);
    valid_ = true;
  }

  bool valid_ = false;
  TaiTime from_{};
  TaiTime open_from_{};
  TaiTime close_at_{};
};

}  // namespace takt
