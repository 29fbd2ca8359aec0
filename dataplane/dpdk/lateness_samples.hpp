#pragma once
// Raw gate launch lateness samples (TX call time minus the gate opening the frame waited for),
// kept by the packet lcore in preallocated memory for the exact median and p99 a benchmark
// reports; the Prometheus histogram alone only gives bucket bounds.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace takt::dpdk {

class LatenessSamples {
 public:
  explicit LatenessSamples(std::size_t capacity = 0) { samples_.reserve(capacity); }

  void add(std::int64_t ns) {
    if (samples_.size() < samples_.capacity())
      samples_.push_back(ns);
    else
      ++overflow_;
  }

  struct Summary {
    std::size_t count = 0;
    std::int64_t min_ns = 0, median_ns = 0, p99_ns = 0, max_ns = 0;
  };
  Summary summarize() const {
    Summary s;
    if (samples_.empty()) return s;
    std::vector<std::int64_t> v = samples_;
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
    };
    s.count = v.size();
    s.min_ns = v.front();
    s.median_ns = at(0.5);
    s.p99_ns = at(0.99);
    s.max_ns = v.back();
    return s;
  }
  bool enabled() const { return samples_.capacity() > 0; }
  std::uint64_t overflow() const { return overflow_; }

 private:
  std::vector<std::int64_t> samples_;
  std::uint64_t overflow_ = 0;
};

}  // namespace takt::dpdk
