#pragma once
// The host's TAI, the one way every takt process reads it (switch agent, probe, controller):
// CLOCK_TAI when the kernel knows the TAI offset (ptp4l/phc2sys set it on a synchronised
// node), else CLOCK_REALTIME plus the UTC offset ptp4l announces (37 s when unknown). On an
// unsynchronised test VM CLOCK_TAI equals CLOCK_REALTIME, and a process timing itself on raw
// CLOCK_TAI would be 37 s away from the switches' base times (harmless for intervals that
// divide 1 s, wrong for the others).
//
// TaiTimescale is the pure arithmetic (testable without reading a clock); the free functions
// and HostTaiClock read the clocks. Nothing here sets a clock.
#include <chrono>
#include <functional>

#include "dataplane/core/time.hpp"

namespace takt::ptp {

// Conversions between the host's clocks and TAI for a known kernel TAI offset. Stamps taken
// on CLOCK_TAI (a talker's transmit times) and on CLOCK_REALTIME (socket receive timestamps)
// are comparable because both convert through this.
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

Nanos read_clock_tai() noexcept;
Nanos read_clock_realtime() noexcept;

// Measures the kernel's TAI offset (the closest of a few CLOCK_TAI/CLOCK_REALTIME read pairs).
std::chrono::seconds measure_kernel_tai_offset();

// The host's timescale now, with a fixed UTC offset for hosts without a kernel TAI offset.
TaiTimescale host_timescale(std::chrono::seconds utc_offset_fallback);

// A clock for processes whose UTC offset can change while they run (the switch agent learns
// it from ptp4l): the kernel offset is measured once, the UTC offset asked at every read.
class HostTaiClock {
 public:
  explicit HostTaiClock(std::function<std::chrono::seconds()> utc_offset);
  TaiTime now() const;
  // Whether CLOCK_TAI differs from CLOCK_REALTIME, i.e. the kernel has a TAI offset set.
  bool kernel_tai_offset_set() const { return kernel_offset_.count() != 0; }

 private:
  std::function<std::chrono::seconds()> utc_offset_;
  std::chrono::seconds kernel_offset_{0};
};

}  // namespace takt::ptp
