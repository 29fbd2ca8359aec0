#pragma once
// TSC -> PTP (TAI) time mapping `ptp_ns = a + b * (tsc - tsc0)`, fitted by least squares over a
// window of (tsc, CLOCK_REALTIME + UTC offset) samples that the caller reads and passes in.
// The intercept is kept as an exact int64 plus a small long double fraction and every sum is
// taken over offsets from the first sample in __int128, so ~1.8e18 ns magnitudes lose nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dataplane/core/time.hpp"

namespace takt {

struct ClockSample {
  std::uint64_t tsc = 0;
  std::int64_t ptp_ns = 0;  // TAI: CLOCK_REALTIME ns + currentUtcOffset s
};

constexpr ClockSample make_clock_sample(std::uint64_t tsc, std::int64_t realtime_ns, std::int64_t utc_offset_s) {
  return {tsc, realtime_ns + utc_offset_s * 1'000'000'000};
}

class ClockMapping {
 public:
  // Least-squares fit. Empty when fewer than two samples or all share one TSC value (no
  // slope can be measured), or when samples lie more than 2^62 ticks/ns apart.
  static std::optional<ClockMapping> fit(std::span<const ClockSample> samples);

  // Integer arithmetic only (it runs on the packet path several times per loop): the fitted
  // line in fixed point, the result rounded to the nearest ns like the fit's long double value.
  TaiTime to_tai(std::uint64_t tsc) const {
    const auto dx = static_cast<std::int64_t>(tsc - tsc0_);
    const Int128 v = static_cast<Int128>(dx) * slope_fx_ + frac_fx_ + (Int128{1} << (shift_ - 1));
    return tai_ns(intercept_ns_ + static_cast<std::int64_t>(v >> shift_));
  }
  // The same value from the fit's long double coefficients, as to_tai was computed before:
  // what tests hold to_tai to.
  TaiTime to_tai_long_double(std::uint64_t tsc) const;
  // Inverse, for turning a gate event time into a TSC deadline for the TX loop.
  std::uint64_t to_tsc(TaiTime t) const;

  long double ns_per_tick() const { return slope_; }
  long double ticks_per_second() const { return 1e9L / slope_; }
  std::uint64_t tsc0() const { return tsc0_; }
  // Residuals of the samples against the fitted line: how well the TSC tracks PTP time.
  double max_abs_residual_ns() const { return max_abs_residual_; }
  double rms_residual_ns() const { return rms_residual_; }
  std::size_t sample_count() const { return samples_; }

 private:
  __extension__ typedef __int128 Int128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

  std::uint64_t tsc0_ = 0;
  std::int64_t intercept_ns_ = 0;   // integer part of a
  long double intercept_frac_ = 0;  // fractional remainder of a, in [0, 1)
  long double slope_ = 1;
  // slope_ and intercept_frac_ scaled by 2^shift_, the largest shift up to 62 that keeps
  // |slope_fx_| below 2^62: any |dx| < 2^63 then keeps the product inside 125 bits, and for a
  // TSC of 1 GHz or more (slope <= 1 ns per tick) the slope is good to 2^-63 ns per tick, a
  // thousandth of a ns after 2^53 ticks (a month at 3 GHz; the fit is renewed every 100 ms).
  std::int64_t slope_fx_ = std::int64_t{1} << 62;
  std::int64_t frac_fx_ = 0;
  int shift_ = 62;
  double max_abs_residual_ = 0;
  double rms_residual_ = 0;
  std::size_t samples_ = 0;
};

// The last `capacity` samples, oldest first, contiguous for fit(). Used on the slow path
// (periodic refit), so the O(capacity) shift on insert does not matter.
class ClockSampleWindow {
 public:
  explicit ClockSampleWindow(std::size_t capacity) : capacity_(capacity) { samples_.reserve(capacity); }
  void add(const ClockSample& s) {
    if (capacity_ == 0) return;
    if (samples_.size() == capacity_) samples_.erase(samples_.begin());
    samples_.push_back(s);
  }
  void clear() { samples_.clear(); }
  std::span<const ClockSample> samples() const { return samples_; }

 private:
  std::size_t capacity_;
  std::vector<ClockSample> samples_;
};

}  // namespace takt
