#pragma once
// Wire time of frames on one link, exactly wire.hpp's transmission_time(wire_bytes_for_frame())
// but without a 64-bit division per frame: a hardware divide costs tens of cycles, more than
// the rest of transmission selection for a small frame. The division by the link rate becomes
// a multiplication by a reciprocal rounded up (Granlund & Montgomery, "Division by invariant
// integers using multiplication", 1994, Theorem 4.2), which is exact for every dividend below
// 2^kDividendBits. Rates or frames outside that range take the division.
#include <algorithm>
#include <bit>
#include <cstdint>

#include "dataplane/core/wire.hpp"

namespace takt {

class WireTimer {
 public:
  // Dividends are bytes * 8e9 + rate - 1: below 2^58 for frames up to 16 MiB at any rate up
  // to 2^42 b/s (4.4 Tb/s).
  static constexpr int kDividendBits = 58;
  static constexpr std::int64_t kMaxReciprocalRateBps = std::int64_t{1} << 42;
  static constexpr std::int64_t kMaxReciprocalFrameBytes = std::int64_t{1} << 24;

  constexpr WireTimer() : WireTimer(1'000'000'000) {}
  // rate_bps must be positive (bridge configuration validates link rates at load).
  constexpr explicit WireTimer(std::int64_t rate_bps) : rate_(rate_bps) {
    if (rate_bps >= 2 && rate_bps <= kMaxReciprocalRateBps) {
      const auto d = static_cast<std::uint64_t>(rate_bps);
      const int l = std::bit_width(d - 1);  // 2^(l-1) < d <= 2^l, l >= 1
      // Any shift s with N + l <= s <= 63 + l works: m = ceil(2^s / d) then satisfies the
      // theorem's 2^s <= m * d <= 2^s + 2^(s-N) and still fits 64 bits. Taking s >= 64 lets
      // the quotient come from the product's high word with a plain 64-bit shift.
      const int s = std::max(64, kDividendBits + l);
      high_shift_ = s - 64;
      const U128 one = 1;
      multiplier_ = static_cast<std::uint64_t>(((one << s) + d - 1) / d);
    }
  }

  std::int64_t rate_bps() const { return rate_; }

  // Wire time of a frame of this length (header included, FCS excluded, as in a buffer).
  constexpr Nanos frame(std::int64_t frame_len_without_fcs) const {
    return bytes(wire_bytes_for_frame(frame_len_without_fcs));
  }

  // transmission_time(wire_bytes, rate): rounded up to whole nanoseconds.
  constexpr Nanos bytes(std::int64_t wire_bytes) const {
    if (multiplier_ == 0 || wire_bytes < 0 || wire_bytes > kMaxReciprocalFrameBytes)
      return transmission_time(wire_bytes, rate_);
    const auto dividend = static_cast<std::uint64_t>(wire_bytes * 8 * 1'000'000'000 + rate_ - 1);
    const auto high = static_cast<std::uint64_t>((static_cast<U128>(dividend) * multiplier_) >> 64);
    return Nanos{static_cast<std::int64_t>(high >> high_shift_)};
  }

 private:
  __extension__ typedef unsigned __int128 U128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

  std::int64_t rate_;
  std::uint64_t multiplier_ = 0;  // 0: take the division
  int high_shift_ = 0;            // the reciprocal's shift minus 64
};

static_assert(WireTimer(1'000'000'000).frame(60).count() == 672);
static_assert(WireTimer(1'000'000'000).frame(1518).count() == 12336);
static_assert(WireTimer(100'000'000'000).frame(60).count() == 7);  // 6.72 ns rounded up

}  // namespace takt
