#pragma once
// The probe's TAI, consistent with the rest of takt: CLOCK_TAI when the kernel knows the TAI
// offset (ptp4l/phc2sys set it on a synchronised node), else CLOCK_REALTIME plus the UTC
// offset ptp4l announces (37 s when unknown), as the dataplane and the switch agent do. On an
// unsynchronised test VM CLOCK_TAI equals CLOCK_REALTIME, and a probe timing itself on raw
// CLOCK_TAI would be 37 s away from the switches' base times (harmless for intervals that
// divide 1 s, wrong for the others).
//
// Talker and listener stamps are comparable because both convert through this: the talker
// reads CLOCK_TAI, the listener's socket timestamps are CLOCK_REALTIME. Pure arithmetic; the
// clock reads are in host_clock.hpp.
#include <chrono>

#include "dataplane/core/time.hpp"

namespace takt::probe {

class TaiTimescale {
 public:
  // kernel_tai_offset: CLOCK_TAI - CLOCK_REALTIME, a whole number of seconds (0 when unset).
  TaiTimescale(std::chrono::seconds kernel_tai_offset, std::chrono::seconds utc_offset_fallback);

  // Rounds a measured CLOCK_TAI - CLOCK_REALTIME (two reads some ns apart) to whole seconds,
  // the only values the kernel's offset takes.
  static std::chrono::seconds kernel_offset_from(Nanos clock_tai, Nanos clock_realtime);

  std::chrono::seconds kernel_tai_offset() const { return kernel_; }
  bool kernel_offset_set() const { return kernel_.count() != 0; }
  // TAI minus CLOCK_TAI: 0 with a kernel offset, else the UTC offset fallback.
  Nanos clock_tai_correction() const { return correction_; }
  // TAI minus CLOCK_REALTIME.
  Nanos realtime_to_tai() const { return correction_ + Nanos{kernel_}; }

  TaiTime from_clock_tai(Nanos clock_tai) const { return TaiTime{clock_tai + correction_}; }
  TaiTime from_realtime(Nanos realtime) const { return TaiTime{realtime + realtime_to_tai()}; }
  // For clock_nanosleep(CLOCK_TAI, TIMER_ABSTIME, ...).
  Nanos to_clock_tai(TaiTime t) const { return t.time_since_epoch() - correction_; }

 private:
  std::chrono::seconds kernel_;
  Nanos correction_;
};

}  // namespace takt::probe
