#include "dataplane/dpdk/idle_wait.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace takt::dpdk {

std::string IdleWait::prepare_thread(int rt_priority) const {
  if (enabled() && prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) != 0)
    return std::string("cannot remove the timer slack: ") + std::strerror(errno);
  if (rt_priority <= 0) return {};
  sched_param p{};
  p.sched_priority = rt_priority;
  if (const int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p); rc != 0)
    return "cannot run the packet loop at SCHED_FIFO priority " + std::to_string(rt_priority) + ": " +
           std::strerror(rc) + (rc == EPERM ? " (needs root or CAP_SYS_NICE)" : "");
  return {};
}

Nanos IdleWait::rest(Nanos d) {
  d = std::min(d, longest_);
  if (d < kShortest) return Nanos{0};
  timespec ts{static_cast<time_t>(d.count() / 1'000'000'000), static_cast<long>(d.count() % 1'000'000'000)};
  // An interrupted rest just ends early: the loop looks at its ports again either way.
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
  ++rests_;
  rested_ += d;
  return d;
}

}  // namespace takt::dpdk
