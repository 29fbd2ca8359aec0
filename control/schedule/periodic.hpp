#pragma once
// Strictly periodic intervals: [offset, offset + length) repeating every period. Two of them
// never overlap iff ((b.offset - a.offset) mod g) lies in [a.length, g - b.length], where
// g = gcd(a.period, b.period): over the lcm of the periods the offsets of the two meet at every
// multiple of g and nowhere else (Bezout), so one test covers the whole hyperperiod.
#include <cstdint>
#include <numeric>
#include <optional>

namespace takt::schedule {

__extension__ typedef __int128 int128_t;  // exact products of two int64 periods

inline std::int64_t mod_floor(std::int64_t a, std::int64_t m) {
  const std::int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// lcm, or nullopt when it would exceed `limit` (hyperperiods of unlucky periods explode).
inline std::optional<std::int64_t> lcm_bounded(std::int64_t a, std::int64_t b, std::int64_t limit) {
  const std::int64_t g = std::gcd(a, b);
  const int128_t l = static_cast<int128_t>(a / g) * b;
  if (l > limit) return std::nullopt;
  return static_cast<std::int64_t>(l);
}

// How far interval a (offset x, length w1) must move later to clear interval b (offset y,
// length w2) when their periods have gcd g: 0 when they never overlap, -1 when no shift helps
// (w1 + w2 > g). Every shift below the returned one still overlaps, so jumping by it skips no
// feasible position.
inline std::int64_t periodic_clearance(std::int64_t x, std::int64_t w1, std::int64_t y, std::int64_t w2,
                                       std::int64_t g) {
  if (w1 + w2 > g) return -1;
  const std::int64_t d = mod_floor(y - x, g);
  if (d >= w1 && d <= g - w2) return 0;
  return mod_floor(d + w2, g);
}

inline bool periodic_overlap(std::int64_t x, std::int64_t w1, std::int64_t p1, std::int64_t y, std::int64_t w2,
                             std::int64_t p2) {
  if (w1 <= 0 || w2 <= 0) return false;
  return periodic_clearance(x, w1, y, w2, std::gcd(p1, p2)) != 0;
}

}  // namespace takt::schedule
