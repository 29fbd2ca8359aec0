#pragma once
// Sleeping instead of busy polling when the packet loop has nothing to do, for bridges on
// shared CPUs (CI machines, the virtual-cell demo): there a busy-polling loop competes with
// everything else on its core and the scheduler takes the core away for whole time slices,
// while a loop that sleeps when idle is woken promptly (sooner still at a real-time priority,
// which only a loop that sleeps may have without starving its core).
#include <cstdint>
#include <string>

#include "dataplane/core/time.hpp"

namespace takt::dpdk {

class IdleWait {
 public:
  // `longest`: the most one rest may last, which bounds how long a frame arriving during it
  // waits in the RX ring. Zero disables resting (busy polling, the default for dedicated cores).
  explicit IdleWait(Nanos longest = Nanos{0}) : longest_(longest) {}

  bool enabled() const { return longest_.count() > 0; }
  Nanos longest() const { return longest_; }

  // Called on the packet thread before its loop: no timer slack (the kernel would otherwise
  // coalesce our wake-ups up to 50 us late) and, when rt_priority > 0, SCHED_FIFO at it.
  // Returns an error message, or an empty string.
  std::string prepare_thread(int rt_priority) const;

  // Sleeps for `d`, at most longest(); shorter rests than kShortest are not worth a wake-up.
  // Returns how long it meant to sleep (0 when it did not).
  Nanos rest(Nanos d);

  std::uint64_t rests() const { return rests_; }
  Nanos rested() const { return rested_; }  // requested, not measured

  static constexpr Nanos kShortest{5'000};

 private:
  Nanos longest_;
  std::uint64_t rests_ = 0;
  Nanos rested_{0};
};

}  // namespace takt::dpdk
