#pragma once
// The probe's sleeps and real-time settings; its TAI is ptp/host_tai_clock.hpp's. Nothing here
// sets a clock.
#include <chrono>

#include "dataplane/core/time.hpp"
#include "ptp/host_tai_clock.hpp"

namespace takt::probe {

// The host's TAI through the timescale ptp::host_timescale measured at start.
inline TaiTime now_tai(const ptp::TaiTimescale& ts) noexcept { return ts.from_clock_tai(ptp::read_clock_tai()); }

// 1 ns timer slack for this thread, so sleep_until wakes up as soon as the kernel can.
void use_precise_timers() noexcept;

// clock_nanosleep(CLOCK_TAI, TIMER_ABSTIME): false when a signal interrupted the sleep.
bool sleep_until(const ptp::TaiTimescale& ts, TaiTime t) noexcept;

// SCHED_FIFO at `priority` and locked memory, for less wake-up jitter; throws naming what
// failed (needs root or CAP_SYS_NICE).
void use_realtime_scheduling(int priority);

}  // namespace takt::probe
