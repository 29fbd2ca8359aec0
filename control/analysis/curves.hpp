#pragma once
// The two curves of the analysis, in exact integers: bits, bits per second, nanoseconds.
// Every rounding goes towards the safe side: arrival curves up, service curves down, delays up.
#include <cstdint>

#include "dataplane/core/time.hpp"

namespace takt::analysis {

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// Products of a rate and a time overflow 64 bits long before the results do.
__extension__ typedef __int128 Wide;

// ceil(a * b / c) for non-negative a, b and positive c, without overflow in between.
inline std::int64_t mul_div_ceil(std::int64_t a, std::int64_t b, std::int64_t c) {
  const Wide n = static_cast<Wide>(a) * b;
  return static_cast<std::int64_t>((n + c - 1) / c);
}
// floor(a * b / c), same domain.
inline std::int64_t mul_div_floor(std::int64_t a, std::int64_t b, std::int64_t c) {
  return static_cast<std::int64_t>(static_cast<Wide>(a) * b / c);
}

// Arrival curve alpha(t) = burst + rate * t: at most `burst` bits at once and `rate` on average.
struct TokenBucket {
  std::int64_t burst_bits = 0;
  std::int64_t rate_bps = 0;

  TokenBucket& operator+=(const TokenBucket& o) {
    burst_bits += o.burst_bits;
    rate_bps += o.rate_bps;
    return *this;
  }
  // The same traffic after a stage that may delay it anywhere between d_min and d_min + spread:
  // the burst grows by what arrives during the spread (802.1Qcc talker jitter works the same way).
  TokenBucket delayed_by(Nanos spread) const {
    return {burst_bits + mul_div_ceil(rate_bps, spread.count(), kNsPerSecond), rate_bps};
  }
};

// Service curve beta(t) = rate * max(0, t - latency): after at most `latency` the server works
// at `rate` or more for as long as there is a backlog.
struct RateLatency {
  std::int64_t rate_bps = 0;
  Nanos latency{0};
};

// The longest a bit of `arrivals` waits in a FIFO server `service` (the horizontal deviation
// latency + burst / rate). Precondition: arrivals.rate_bps <= service.rate_bps, rate > 0.
inline Nanos delay_bound(const TokenBucket& arrivals, const RateLatency& service) {
  return service.latency + Nanos{mul_div_ceil(arrivals.burst_bits, kNsPerSecond, service.rate_bps)};
}

// What a strict-priority class gets of `service` when `higher` (the classes above it that the
// same gates let through) takes its share first and one frame of a lower class, already on the
// wire, blocks it once (`lower_frame_bits`: frames are not preempted). Rate 0 when nothing is
// left.
inline RateLatency leftover(const RateLatency& service, const TokenBucket& higher, std::int64_t lower_frame_bits) {
  const std::int64_t rate = service.rate_bps - higher.rate_bps;
  if (rate <= 0) return {0, Nanos{0}};
  // beta(t) - alpha_H(t) - L = (R - r_H) * (t - (R * T + b_H + L) / (R - r_H))
  const Wide backlog_bit_ns = static_cast<Wide>(service.rate_bps) * service.latency.count() +
                              static_cast<Wide>(higher.burst_bits + lower_frame_bits) * kNsPerSecond;
  return {rate, Nanos{static_cast<std::int64_t>((backlog_bit_ns + rate - 1) / rate)}};
}

}  // namespace takt::analysis
