#pragma once
// Host stalls: stretches in which a node's software was not running although it meant to (the
// hypervisor took its vCPU, a timer woke it late). The plan reserves each node's transmission
// timing error in every window; a node away for longer than that can make a frame miss its
// window and wait for the next one. That is the host's fault, not the schedule's, and telling
// the two apart is what these records are for: bridges record their packet loop's stalls and
// talkers their late sends, and a late frame whose path had a stall during its flight is
// explained by it.
#include <optional>

#include "dataplane/core/time.hpp"

namespace takt {

struct HostStall {
  TaiTime start{};  // last time the software was seen running (or, for a talker, the planned send)
  TaiTime end{};    // when it ran again
  Nanos excess{0};  // how much longer than it meant to it was away

  friend bool operator==(const HostStall&, const HostStall&) = default;
};

// The packet loop's stall detector. The loop comes back to its top after polling, sending and
// the pauses it chose (an idle rest, a spin for a gate opening). Coming back later than that by
// more than the threshold is a stall.
class LoopStallDetector {
 public:
  // threshold 0 disables detection.
  explicit LoopStallDetector(Nanos threshold = Nanos{0}) : threshold_(threshold) {}

  bool enabled() const { return threshold_.count() > 0; }
  Nanos threshold() const { return threshold_; }

  // At the top of every iteration: `now` is the loop's time, `paused` how long the previous
  // iteration meant to rest or spin. Returns the stall that ended now, if any.
  std::optional<HostStall> at_iteration(TaiTime now, Nanos paused) noexcept {
    std::optional<HostStall> stall;
    if (!enabled()) return stall;
    if (seen_) {
      const Nanos excess = now - last_ - paused;
      if (excess > threshold_) stall = HostStall{last_, now, excess};
    }
    last_ = now;
    seen_ = true;
    return stall;
  }

 private:
  Nanos threshold_;
  TaiTime last_{};
  bool seen_ = false;
};

// A talker's late send: it meant to send at `planned` and did at `sent`; later than the
// threshold is a stall (the plan's timing error at the talker is the threshold to use).
inline std::optional<HostStall> late_send(TaiTime planned, TaiTime sent, Nanos threshold) noexcept {
  const Nanos late = sent - planned;
  if (threshold.count() <= 0 || late <= threshold) return std::nullopt;
  return HostStall{planned, sent, late};
}

// Whether a stall overlaps a frame's flight from transmission to reception (both inclusive: a
// talker's late send ends at the frame's transmit time).
constexpr bool overlaps(const HostStall& s, TaiTime transmitted, TaiTime received) {
  return s.start <= received && s.end >= transmitted;
}

}  // namespace takt
