#pragma once
// The values behind counter and gauge series. A counter incremented on the packet path keeps
// one cell per writer (lcore or thread) on its own cache line and is summed at scrape, the same
// scheme as LatencyHistogram; a gauge is set by the control side and read at scrape.
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace takt::telemetry {

class ShardedCounter {
 public:
  explicit ShardedCounter(std::size_t writers) : writers_(writers) {
    if (writers == 0) throw std::invalid_argument("a counter needs at least one writer");
    cells_.reset(new Cell[writers]);
  }

  // Only writer `writer` may call this with that index: a relaxed load and store, no locked
  // instruction, so the packet path never contends.
  void add(std::size_t writer, std::uint64_t n = 1) noexcept {
    assert(writer < writers_);
    std::atomic<std::uint64_t>& v = cells_[writer].value;
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  // Safe from any thread, concurrently with add().
  std::uint64_t value() const noexcept {
    std::uint64_t total = 0;
    for (std::size_t w = 0; w < writers_; ++w) total += cells_[w].value.load(std::memory_order_relaxed);
    return total;
  }

  std::size_t writers() const { return writers_; }

 private:
  struct alignas(64) Cell {
    std::atomic<std::uint64_t> value{0};
  };

  std::size_t writers_;
  std::unique_ptr<Cell[]> cells_;
};

// Any thread may set or add; the scrape reads the latest value.
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace takt::telemetry
