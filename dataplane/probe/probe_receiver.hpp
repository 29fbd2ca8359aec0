#pragma once
// The listener's per-frame path, free of sockets and clocks: recognise a probe frame, find its
// stream, track its sequence number, and record its end-to-end latency (receive time minus
// the talker's transmit stamp, both TAI) into the stream's Prometheus histogram, whose
// buckets include the stream's max-latency so the on-time ratio is exact. Nothing here takes
// a lock; one thread (one registry writer index) calls on_frame.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "telemetry/metrics_registry.hpp"
#include "dataplane/core/time.hpp"
#include "dataplane/probe/latency_sketch.hpp"
#include "dataplane/probe/probe_stream.hpp"
#include "dataplane/probe/sequence_tracker.hpp"

namespace takt::probe {

enum class FrameVerdict : std::uint8_t {
  recorded,        // a frame of one of our streams (duplicates included)
  not_probe,       // some other traffic on the interface
  unknown_stream,  // a probe frame of a stream this listener does not run
};

// A frame received beyond its stream's max-latency: enough to look for what delayed it.
struct LateFrame {
  std::uint64_t sequence = 0;
  TaiTime transmitted{};
  TaiTime received{};
  friend bool operator==(const LateFrame&, const LateFrame&) = default;
};

// One stream's results, for the summary on exit.
struct StreamReport {
  std::string stream;
  std::optional<Nanos> max_latency;
  SequenceCounts counts;
  std::uint64_t deadline_misses = 0;  // latency > max-latency
  std::uint64_t latency_samples = 0;  // = counts.received
  Nanos p50{0}, p99{0}, min{0}, max{0};
  std::vector<LateFrame> late_frames;  // the first kMaxLateFrames deadline misses
  std::uint64_t late_frames_not_kept = 0;
  static constexpr std::size_t kMaxLateFrames = 1'000;
  // Fraction of received frames with latency <= max-latency; 1 with none received or no deadline.
  double on_time_ratio() const;
};

class ProbeReceiver {
 public:
  // Declares the listener's metric families in `registry` (which must outlive the receiver)
  // and one series per stream. Streams without a max-latency get the standard buckets and no
  // deadline-miss series.
  ProbeReceiver(const std::vector<ProbeStream>& streams, telemetry::MetricsRegistry& registry, std::size_t writer = 0,
                std::uint64_t reorder_window = 1024);

  // `frame` from the destination MAC (a VLAN tag may or may not be present: the kernel often
  // strips it on receive); `received` its receive timestamp on TAI.
  FrameVerdict on_frame(std::span<const std::byte> frame, TaiTime received) noexcept;

  // Declares the gaps of streams silent since before now - silence lost: no reordering lasts
  // that long. Returns how many frames that declared lost.
  std::uint64_t flush_silent(TaiTime now, Nanos silence) noexcept;
  // On exit: every gap still open is a loss.
  void flush_all() noexcept;

  std::vector<StreamReport> report() const;
  std::size_t stream_count() const { return streams_.size(); }

 private:
  struct Stream {
    Stream(const ProbeStream& s, telemetry::MetricsRegistry& registry, std::uint64_t reorder_window);

    std::string name;
    std::uint32_t id;
    std::int64_t max_latency_ns;  // int64 max when the stream has no deadline
    std::optional<Nanos> max_latency;
    SequenceTracker tracker;
    LatencySketch sketch;
    std::uint64_t deadline_misses = 0;
    std::vector<LateFrame> late_frames;  // reserved up front: on_frame does not allocate
    TaiTime last_arrival{};
    telemetry::LatencyHistogram& latency;
    telemetry::ShardedCounter& received;
    telemetry::ShardedCounter& lost;
    telemetry::ShardedCounter& duplicated;
    telemetry::ShardedCounter& reordered;
    telemetry::ShardedCounter* misses;  // null without a deadline
  };

  Stream* find(std::uint32_t id) noexcept {
    for (auto& s : streams_)
      if (s.id == id) return &s;
    return nullptr;
  }

  std::size_t writer_;
  std::vector<Stream> streams_;
  telemetry::ShardedCounter& unknown_stream_;
};

}  // namespace takt::probe
