#pragma once
// TAI read from the host's clocks, for agents without a dataplane clock mapping: CLOCK_TAI
// when the kernel knows the TAI offset (phc2sys/ptp4l set it on a synchronised node), else
// CLOCK_REALTIME plus the UTC offset ptp4l announces (37 s when unknown). Only reads clocks.
#include <chrono>
#include <functional>

#include "dataplane/core/time.hpp"

namespace takt::agent {

class HostTaiClock {
 public:
  explicit HostTaiClock(std::function<std::chrono::seconds()> utc_offset);
  TaiTime now() const;
  // Whether CLOCK_TAI differs from CLOCK_REALTIME, i.e. the kernel has a TAI offset set.
  bool kernel_tai_offset_set() const { return kernel_tai_; }

 private:
  std::function<std::chrono::seconds()> utc_offset_;
  bool kernel_tai_ = false;
};

}  // namespace takt::agent
