#include "dataplane/core/clock_mapping.hpp"

#include <cmath>

namespace takt {

namespace {
// __extension__: GCC/Clang's 128-bit integer is exactly what exact sums need; -Wpedantic
// would otherwise reject the non-ISO type.
__extension__ using int128 = __int128;
constexpr std::int64_t kMaxSpan = std::int64_t{1} << 62;
}  // namespace

std::optional<ClockMapping> ClockMapping::fit(std::span<const ClockSample> samples) {
  if (samples.size() < 2) return std::nullopt;
  const std::uint64_t x0 = samples.front().tsc;
  const std::int64_t y0 = samples.front().ptp_ns;
  const auto n = static_cast<int128>(samples.size());

  // Offsets from the first sample fit in int64; their sums in int128 are exact.
  int128 sum_x = 0, sum_y = 0;
  for (const auto& s : samples) {
    const auto x = static_cast<std::int64_t>(s.tsc - x0);
    const int128 y = static_cast<int128>(s.ptp_ns) - y0;
    if (x > kMaxSpan || x < -kMaxSpan || y > kMaxSpan || y < -kMaxSpan) return std::nullopt;
    sum_x += x;
    sum_y += y;
  }
  // Deviations scaled by n (n*x_i - sum_x) are exact integers; only their products go to
  // long double, whose 64-bit mantissa keeps the slope good to ~1e-19.
  long double sxx = 0, sxy = 0;
  for (const auto& s : samples) {
    const auto x = static_cast<std::int64_t>(s.tsc - x0);
    const std::int64_t y = s.ptp_ns - y0;
    const auto dx = static_cast<long double>(n * x - sum_x);
    const auto dy = static_cast<long double>(n * y - sum_y);
    sxx += dx * dx;
    sxy += dx * dy;
  }
  if (sxx == 0) return std::nullopt;

  ClockMapping m;
  m.slope_ = sxy / sxx;
  // Intercept at x = 0 (the first sample's TSC), relative to y0.
  const long double a_rel =
      (static_cast<long double>(sum_y) - m.slope_ * static_cast<long double>(sum_x)) / static_cast<long double>(n);
  const long double a_floor = std::floor(a_rel);
  m.tsc0_ = x0;
  m.intercept_ns_ = y0 + static_cast<std::int64_t>(a_floor);
  m.intercept_frac_ = a_rel - a_floor;
  m.samples_ = samples.size();
  // Fixed point for to_tai: the largest shift (at most 62) that keeps |slope| * 2^shift below 2^62.
  if (std::fabs(m.slope_) >= 0x1p40L) return std::nullopt;  // slower than one tick per 18 minutes
  m.shift_ = 62;
  while (m.shift_ > 1 && std::ldexp(std::fabs(m.slope_), m.shift_) >= 0x1p62L) --m.shift_;
  m.slope_fx_ = static_cast<std::int64_t>(std::roundl(std::ldexp(m.slope_, m.shift_)));
  m.frac_fx_ = static_cast<std::int64_t>(std::roundl(std::ldexp(m.intercept_frac_, m.shift_)));

  long double max_abs = 0, sum_sq = 0;
  for (const auto& s : samples) {
    const auto x = static_cast<long double>(static_cast<std::int64_t>(s.tsc - x0));
    const auto y = static_cast<long double>(s.ptp_ns - y0);
    const long double r = y - (a_rel + m.slope_ * x);
    max_abs = std::max(max_abs, std::fabs(r));
    sum_sq += r * r;
  }
  m.max_abs_residual_ = static_cast<double>(max_abs);
  m.rms_residual_ = static_cast<double>(std::sqrt(sum_sq / static_cast<long double>(samples.size())));
  return m;
}

TaiTime ClockMapping::to_tai_long_double(std::uint64_t tsc) const {
  const auto dx = static_cast<long double>(static_cast<std::int64_t>(tsc - tsc0_));
  return tai_ns(intercept_ns_ + std::llround(intercept_frac_ + slope_ * dx));
}

std::uint64_t ClockMapping::to_tsc(TaiTime t) const {
  const auto dy = static_cast<long double>(ns_of(t) - intercept_ns_) - intercept_frac_;
  return tsc0_ + static_cast<std::uint64_t>(std::llround(dy / slope_));
}

}  // namespace takt
