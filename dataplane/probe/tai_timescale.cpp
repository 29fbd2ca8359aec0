#include "dataplane/probe/tai_timescale.hpp"

namespace takt::probe {

TaiTimescale::TaiTimescale(std::chrono::seconds kernel_tai_offset, std::chrono::seconds utc_offset_fallback)
    : kernel_(kernel_tai_offset),
      correction_(kernel_tai_offset.count() != 0 ? Nanos{0} : Nanos{utc_offset_fallback}) {}

std::chrono::seconds TaiTimescale::kernel_offset_from(Nanos clock_tai, Nanos clock_realtime) {
  const std::int64_t diff = (clock_tai - clock_realtime).count();
  constexpr std::int64_t second = 1'000'000'000;
  return std::chrono::seconds{floor_div(diff + second / 2, second)};
}

}  // namespace takt::probe
