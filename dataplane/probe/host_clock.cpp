#include "dataplane/probe/host_clock.hpp"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace takt::probe {

void use_precise_timers() noexcept {
  // The default 50 us timer slack lets the kernel coalesce our wake-ups that late; a talker
  // on a 250 us interval cannot afford it.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

bool sleep_until(const ptp::TaiTimescale& ts, TaiTime t) noexcept {
  const std::int64_t ns = ts.to_clock_tai(t).count();
  timespec target{static_cast<time_t>(floor_div(ns, 1'000'000'000)),
                  static_cast<long>(ns - floor_div(ns, 1'000'000'000) * 1'000'000'000)};
  for (;;) {
    const int rc = ::clock_nanosleep(CLOCK_TAI, TIMER_ABSTIME, &target, nullptr);
    if (rc == 0) return true;
    if (rc == EINTR) return false;
    return true;  // EINVAL cannot happen with a normalised timespec; do not spin
  }
}

void use_realtime_scheduling(int priority) {
  sched_param p{};
  p.sched_priority = priority;
  if (::sched_setscheduler(0, SCHED_FIFO, &p) != 0)
    throw std::runtime_error("cannot run at SCHED_FIFO priority " + std::to_string(priority) + ": " +
                             std::strerror(errno) + " (needs root or CAP_SYS_NICE)");
  if (::mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
    throw std::runtime_error(std::string("cannot lock memory: ") + std::strerror(errno));
}

}  // namespace takt::probe
