#pragma once
// takt-probe's talker: sends every stream's frames at k x interval + offset on TAI, stamped
// with the TAI time read just before each send, and counts what it sent and how late it was.
// A transmission the talker wakes up for more than one interval late is skipped, not sent in
// a burst: a late frame would fall outside its reserved window and disturb other streams.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/core/host_stall.hpp"
#include "telemetry/metrics_registry.hpp"
#include "dataplane/probe/latency_sketch.hpp"
#include "dataplane/probe/probe_stream.hpp"
#include "ptp/host_tai_clock.hpp"

namespace takt::probe {

struct TalkerOptions {
  std::string interface;
  Nanos duration{30'000'000'000};
  // The first transmission is at least this far in the future, so every stream starts on a
  // full interval and the first one is not already late.
  Nanos start_lead{100'000'000};
  // A send later than planned by more than this is a host stall, kept in the report so a late
  // frame can be put down to the host (dataplane/core/host_stall.hpp); 0: none kept.
  Nanos stall_threshold{200'000};
};

struct TalkerStreamReport {
  std::string stream;
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t intervals_skipped = 0;
  LatencySketch lateness;  // actual minus planned transmission time, first frame of an interval
  // Late sends beyond the stall threshold (skipped intervals included), the first kMaxStalls.
  std::vector<HostStall> stalls;
  std::uint64_t stalls_not_kept = 0;
  static constexpr std::size_t kMaxStalls = 10'000;
};

class Talker {
 public:
  // Opens one sending socket per stream (throws std::runtime_error naming the interface, or
  // std::invalid_argument for a stream it cannot send, e.g. without a destination MAC) and
  // declares the talker's metrics in `registry`.
  Talker(std::vector<ProbeStream> streams, TalkerOptions options, const ptp::TaiTimescale& timescale,
         telemetry::MetricsRegistry& registry);
  ~Talker();
  Talker(const Talker&) = delete;
  Talker& operator=(const Talker&) = delete;

  // Sends until the duration has passed or `stop` turns true (checked at every wake-up; a
  // signal interrupts the sleep). Returns the TAI time of the first planned transmission.
  TaiTime run(const std::atomic<bool>& stop);

  std::vector<TalkerStreamReport> report() const;
  std::uint32_t session() const { return session_; }

 private:
  struct Stream;
  std::vector<Stream> streams_;
  TalkerOptions options_;
  ptp::TaiTimescale timescale_;
  std::uint32_t session_;
};

}  // namespace takt::probe
