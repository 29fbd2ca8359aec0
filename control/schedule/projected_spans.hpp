#pragma once
// Strictly periodic spans of one period seen modulo a divisor g of that period, sorted by their
// start there. Two periodic spans collide iff their projections modulo the gcd of their periods
// overlap (periodic.hpp), so a port's bookings of period Q, projected once onto g = gcd(P, Q),
// answer "what does a candidate of period P hit" by a binary search and a short scan instead of
// a pass over every booking: the planner asks that for every hop of every offset it tries.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "control/schedule/periodic.hpp"

namespace takt::schedule {

class ProjectedSpans {
 public:
  struct Span {
    std::int64_t start = 0;  // in [0, g)
    std::int64_t length = 0;
    std::uint32_t seq = 0;  // position among the bucket's bookings: which one was booked first
    int stream = -1;
  };

  explicit ProjectedSpans(std::int64_t g) : g_(g) {}

  std::int64_t modulus() const { return g_; }

  void insert(std::int64_t start, std::int64_t length, std::uint32_t seq, int stream) {
    const Span s{mod_floor(start, g_), length, seq, stream};
    max_length_ = std::max(max_length_, length);
    const auto at = std::upper_bound(spans_.begin(), spans_.end(), s.start,
                                     [](std::int64_t v, const Span& x) { return v < x.start; });
    spans_.insert(at, s);
  }

  // Takes out the span booked as `seq` that was inserted at `start`.
  void erase(std::int64_t start, std::uint32_t seq) {
    start = mod_floor(start, g_);
    auto it = std::lower_bound(spans_.begin(), spans_.end(), start,
                               [](const Span& s, std::int64_t v) { return s.start < v; });
    for (; it != spans_.end() && it->start == start; ++it)
      if (it->seq == seq) {
        spans_.erase(it);
        return;
      }
  }

  // Calls f(span, clearance) for every span that overlaps [x, x + w) modulo g, with the shift
  // periodic_clearance() gives (> 0). Needs w + every span's length <= g (no span makes the
  // candidate impossible; the caller checks that first). Only spans starting less than the
  // longest span's length before x, or inside [x, x + w), can overlap: those are scanned.
  template <class F>
  void overlapping(std::int64_t x, std::int64_t w, F&& f) const {
    if (spans_.empty()) return;
    x = mod_floor(x, g_);
    auto visit = [&](std::int64_t lo, std::int64_t hi) {  // spans starting in [lo, hi), within [0, g]
      auto it =
          std::lower_bound(spans_.begin(), spans_.end(), lo, [](const Span& s, std::int64_t v) { return s.start < v; });
      for (; it != spans_.end() && it->start < hi; ++it) {
        const auto c = periodic_clearance(x, w, it->start, it->length, g_);
        if (c > 0) f(*it, c);
      }
    };
    if (w + max_length_ >= g_) {
      visit(0, g_);
      return;
    }
    const std::int64_t lo = x - max_length_ + 1, hi = x + w;
    if (lo < 0) {
      visit(lo + g_, g_);
      visit(0, hi);
    } else if (hi > g_) {
      visit(lo, g_);
      visit(0, hi - g_);
    } else {
      visit(lo, hi);
    }
  }

 private:
  std::int64_t g_;
  std::int64_t max_length_ = 0;  // of every span ever inserted: an upper bound after erase()
  std::vector<Span> spans_;
};

}  // namespace takt::schedule
