#pragma once
// The probe's clock reads and sleeps. Only reads clocks; nothing here sets one.
#include <chrono>

#include "dataplane/core/time.hpp"
#include "dataplane/probe/tai_timescale.hpp"

namespace takt::probe {

Nanos read_clock_tai() noexcept;
Nanos read_clock_realtime() noexcept;

// Measures the kernel's TAI offset (the closest of a few CLOCK_TAI/CLOCK_REALTIME read pairs).
TaiTimescale host_timescale(std::chrono::seconds utc_offset_fallback);

inline TaiTime now_tai(const TaiTimescale& ts) noexcept { return ts.from_clock_tai(read_clock_tai()); }

// 1 ns timer slack for this thread, so sleep_until wakes up as soon as the kernel can.
void use_precise_timers() noexcept;

// clock_nanosleep(CLOCK_TAI, TIMER_ABSTIME): false when a signal interrupted the sleep.
bool sleep_until(const TaiTimescale& ts, TaiTime t) noexcept;

// SCHED_FIFO at `priority` and locked memory, for less wake-up jitter; throws naming what
// failed (needs root or CAP_SYS_NICE).
void use_realtime_scheduling(int priority);

}  // namespace takt::probe
