#include "dataplane/agent/host_tai_clock.hpp"

#include <time.h>

namespace takt::agent {

namespace {

std::int64_t read_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

HostTaiClock::HostTaiClock(std::function<std::chrono::seconds()> utc_offset) : utc_offset_(std::move(utc_offset)) {
  // The offset is whole seconds when set; half a second tells it from read-to-read skew.
  kernel_tai_ = read_ns(CLOCK_TAI) - read_ns(CLOCK_REALTIME) > 500'000'000;
}

TaiTime HostTaiClock::now() const {
  if (kernel_tai_) return tai_ns(read_ns(CLOCK_TAI));
  return tai_ns(read_ns(CLOCK_REALTIME)) + std::chrono::duration_cast<Nanos>(utc_offset_());
}

}  // namespace takt::agent
