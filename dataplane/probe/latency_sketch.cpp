#include "dataplane/probe/latency_sketch.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace takt::probe {

namespace {

constexpr std::uint64_t kLinear = std::uint64_t{1} << LatencySketch::sub_bits;  // exact below this
// Values up to 2^63: exponents sub_bits..62, kLinear buckets each, plus the linear range.
constexpr std::size_t kBuckets = kLinear + (63 - LatencySketch::sub_bits) * kLinear;

}  // namespace

LatencySketch::LatencySketch() : counts_(kBuckets, 0) {}

std::size_t LatencySketch::index_of(std::uint64_t ns) noexcept {
  if (ns < kLinear) return static_cast<std::size_t>(ns);
  const int exponent = std::bit_width(ns) - 1;  // >= sub_bits
  const int shift = exponent - sub_bits;
  const std::uint64_t sub = (ns >> shift) & (kLinear - 1);
  return static_cast<std::size_t>(kLinear + static_cast<std::uint64_t>(shift) * kLinear + sub);
}

std::uint64_t LatencySketch::lower_bound_of(std::size_t i) noexcept {
  if (i < kLinear) return i;
  const std::uint64_t shift = (i - kLinear) / kLinear;
  const std::uint64_t sub = (i - kLinear) % kLinear;
  return (kLinear + sub) << shift;
}

void LatencySketch::record(Nanos latency) noexcept {
  const std::int64_t ns = latency.count();
  ++counts_[index_of(static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0)))];
  ++count_;
  min_ = std::min(min_, ns);
  max_ = std::max(max_, ns);
}

Nanos LatencySketch::quantile(double q) const {
  if (count_ == 0) return Nanos{0};
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  // The extremes are known exactly.
  if (rank >= count_) return Nanos{std::max<std::int64_t>(max_, 0)};
  if (rank == 1) return Nanos{std::max<std::int64_t>(min_, 0)};
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // Middle of the bucket: at most half a bucket width (1/128 of the value) off.
      const std::uint64_t lo = lower_bound_of(i);
      const std::uint64_t hi = i + 1 < counts_.size() ? lower_bound_of(i + 1) : lo;
      const auto mid = static_cast<std::int64_t>(lo + (hi - lo) / 2);
      return Nanos{std::clamp(mid, std::max<std::int64_t>(min_, 0), max_ < 0 ? 0 : max_)};
    }
  }
  return max();
}

}  // namespace takt::probe
