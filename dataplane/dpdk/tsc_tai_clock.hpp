#pragma once
// The dataplane's notion of PTP time: the TSC mapped to TAI by dataplane/core's ClockMapping,
// refitted from CLOCK_REALTIME (which ptp4l/phc2sys discipline) plus the UTC offset. It only
// reads clocks; nothing here ever sets one. Not to be confused with dataplane/core's TaiClock,
// the std::chrono clock type whose time_point (TaiTime) this clock's mapping yields.
#include <cstdint>

#include "dataplane/core/clock_mapping.hpp"
#include "dataplane/dpdk/rcu_cell.hpp"

namespace takt::dpdk {

inline constexpr int kDefaultUtcOffsetSeconds = 37;  // ptp4l's currentUtcOffset when not valid

class TscTaiClock {
 public:
  TscTaiClock(QuiescentStates& qs, int utc_offset_s, std::size_t window = 64);

  // A (TSC, TAI) pair read as tightly as the machine allows: the CLOCK_REALTIME read that took
  // the fewest TSC ticks of a few tries, paired with the middle of its TSC bracket.
  ClockSample sample() const;

  // Fits a first mapping from samples over ~20 ms and publishes it; the packet loop needs one
  // before it starts.
  void bootstrap();
  // Adds one sample and republishes the fit. Call every ~100 ms from a control thread.
  void refit();

  // Reader side (packet lcore): the current mapping, valid until its next quiescent state.
  const ClockMapping* mapping() const { return cell_.get(); }
  // Control side: the last fit, safe to read on the refitting thread.
  const ClockMapping& last_fit() const { return last_; }

 private:
  void fit_and_publish();

  int utc_offset_s_;
  ClockSampleWindow window_;
  RcuCell<ClockMapping> cell_;
  ClockMapping last_;
};

}  // namespace takt::dpdk
