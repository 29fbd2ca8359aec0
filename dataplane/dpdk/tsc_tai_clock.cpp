#include "dataplane/dpdk/tsc_tai_clock.hpp"

#include <rte_cycles.h>

#include <ctime>
#include <stdexcept>
#include <thread>

namespace takt::dpdk {

TscTaiClock::TscTaiClock(QuiescentStates& qs, int utc_offset_s, std::size_t window)
    : utc_offset_s_(utc_offset_s), window_(window), cell_(qs) {}

ClockSample TscTaiClock::sample() const {
  std::uint64_t best_width = UINT64_MAX;
  ClockSample best;
  for (int i = 0; i < 5; ++i) {
    timespec ts{};
    const std::uint64_t before = rte_rdtsc_precise();
    clock_gettime(CLOCK_REALTIME, &ts);
    const std::uint64_t after = rte_rdtsc_precise();
    if (after - before < best_width) {
      best_width = after - before;
      const std::int64_t realtime_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      best = make_clock_sample(before + (after - before) / 2, realtime_ns, utc_offset_s_);
    }
  }
  return best;
}

void TscTaiClock::bootstrap() {
  for (int i = 0; i < 20; ++i) {
    window_.add(sample());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  fit_and_publish();
}

void TscTaiClock::refit() {
  window_.add(sample());
  fit_and_publish();
}

void TscTaiClock::fit_and_publish() {
  auto fit = ClockMapping::fit(window_.samples());
  if (!fit) throw std::runtime_error("cannot fit the TSC to CLOCK_REALTIME: the TSC did not advance between samples");
  last_ = *fit;
  cell_.publish(std::make_unique<ClockMapping>(*fit));
}

}  // namespace takt::dpdk
