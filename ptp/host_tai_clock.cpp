#include "ptp/host_tai_clock.hpp"

#include <time.h>

#include <utility>

namespace takt::ptp {

namespace {

Nanos read(clockid_t clock) noexcept {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return Nanos{std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec};
}

}  // namespace

TaiTimescale::TaiTimescale(std::chrono::seconds kernel_tai_offset, std::chrono::seconds utc_offset_fallback)
    : kernel_(kernel_tai_offset), correction_(kernel_tai_offset.count() != 0 ? Nanos{0} : Nanos{utc_offset_fallback}) {}

std::chrono::seconds TaiTimescale::kernel_offset_from(Nanos clock_tai, Nanos clock_realtime) {
  const std::int64_t diff = (clock_tai - clock_realtime).count();
  constexpr std::int64_t second = 1'000'000'000;
  return std::chrono::seconds{floor_div(diff + second / 2, second)};
}

Nanos read_clock_tai() noexcept { return read(CLOCK_TAI); }
Nanos read_clock_realtime() noexcept { return read(CLOCK_REALTIME); }

std::chrono::seconds measure_kernel_tai_offset() {
  // A preempted read pair could straddle a second boundary of the rounding; take the tightest.
  Nanos best_spread = Nanos::max();
  std::chrono::seconds offset{0};
  for (int i = 0; i < 5; ++i) {
    const Nanos before = read_clock_realtime();
    const Nanos tai = read_clock_tai();
    const Nanos after = read_clock_realtime();
    if (after - before < best_spread) {
      best_spread = after - before;
      offset = TaiTimescale::kernel_offset_from(tai, before + (after - before) / 2);
    }
  }
  return offset;
}

TaiTimescale host_timescale(std::chrono::seconds utc_offset_fallback) {
  return TaiTimescale(measure_kernel_tai_offset(), utc_offset_fallback);
}

HostTaiClock::HostTaiClock(std::function<std::chrono::seconds()> utc_offset)
    : utc_offset_(std::move(utc_offset)), kernel_offset_(measure_kernel_tai_offset()) {}

TaiTime HostTaiClock::now() const {
  // Without a kernel offset CLOCK_TAI reads CLOCK_REALTIME, and the timescale adds ptp4l's.
  const std::chrono::seconds utc = kernel_offset_.count() != 0 ? std::chrono::seconds{0} : utc_offset_();
  return TaiTimescale(kernel_offset_, utc).from_clock_tai(read_clock_tai());
}

}  // namespace takt::ptp
