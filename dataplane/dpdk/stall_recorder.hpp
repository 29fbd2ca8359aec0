#pragma once
// Host stalls of the packet loop (dataplane/core/host_stall.hpp), from the packet lcore to the
// operator: the lcore counts each stall and records its length in /metrics, and hands it to the
// control thread through a lock-free ring; the control thread appends it to the stall log (one
// JSON object per line), so no file is written on the packet path. The log is what lets a late
// frame be put down to the host rather than to the schedule.
#include <atomic>
#include <cstdint>
#include <fstream>
#include <string>

#include <boost/lockfree/spsc_queue.hpp>

#include "dataplane/core/host_stall.hpp"
#include "telemetry/metrics_registry.hpp"

namespace takt::dpdk {

class StallRecorder {
 public:
  // `log_path` empty: metrics only. Throws std::runtime_error when the log cannot be opened.
  StallRecorder(telemetry::MetricsRegistry& registry, std::string bridge, const std::string& log_path);

  // Packet lcore only (registry writer 0). Never blocks: a full ring drops the log line (the
  // metrics still count the stall) and counts it.
  void record(const HostStall& stall) noexcept;

  // Control thread only: writes what the ring holds to the log and flushes it.
  void drain();

  std::uint64_t unlogged() const { return unlogged_.load(std::memory_order_relaxed); }

 private:
  std::string bridge_;
  telemetry::ShardedCounter& stalls_;
  telemetry::LatencyHistogram& excess_;
  boost::lockfree::spsc_queue<HostStall, boost::lockfree::capacity<4096>> ring_;
  std::atomic<std::uint64_t> unlogged_{0};
  std::ofstream log_;
};

}  // namespace takt::dpdk
