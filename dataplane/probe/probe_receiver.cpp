#include "dataplane/probe/probe_receiver.hpp"

#include <limits>

#include "dataplane/core/frame.hpp"
#include "dataplane/probe/probe_header.hpp"

namespace takt::probe {

namespace {

using telemetry::LatencyBuckets;

constexpr const char* kStream = "stream";

}  // namespace

double StreamReport::on_time_ratio() const {
  if (!max_latency || latency_samples == 0) return 1.0;
  return static_cast<double>(latency_samples - deadline_misses) / static_cast<double>(latency_samples);
}

ProbeReceiver::Stream::Stream(const ProbeStream& s, telemetry::MetricsRegistry& r, std::uint64_t reorder_window)
    : name(s.name),
      id(s.id),
      max_latency_ns(s.max_latency ? s.max_latency->count() : std::numeric_limits<std::int64_t>::max()),
      max_latency(s.max_latency),
      tracker(reorder_window),
      latency(r.histogram("takt_probe_latency_seconds",
                          "End-to-end latency of probe frames: listener receive time minus talker transmit "
                          "stamp, both TAI; one bucket bound at the stream's max-latency",
                          {kStream})
                  .with({s.name},
                        s.max_latency ? LatencyBuckets::with_deadline(*s.max_latency) : LatencyBuckets::standard())),
      received(r.counter("takt_probe_frames_received_total", "Probe frames received, first copies only", {kStream})
                   .with({s.name})),
      lost(r.counter("takt_probe_frames_lost_total",
                     "Probe frames missing from the sequence and not received within the reorder window", {kStream})
               .with({s.name})),
      duplicated(r.counter("takt_probe_frames_duplicated_total", "Probe frames received more than once (extra copies)",
                           {kStream})
                     .with({s.name})),
      reordered(r.counter("takt_probe_frames_reordered_total",
                          "Probe frames received after a frame with a higher sequence number", {kStream})
                    .with({s.name})),
      misses(nullptr) {
  if (s.max_latency) {
    misses = &r.counter("takt_probe_deadline_misses_total", "Probe frames received later than the stream's max-latency",
                        {kStream})
                  .with({s.name});
    r.gauge("takt_probe_max_latency_seconds", "The stream's max-latency, the deadline the probe judges against",
            {kStream})
        .with({s.name})
        .set(static_cast<double>(s.max_latency->count()) * 1e-9);
    late_frames.reserve(StreamReport::kMaxLateFrames);
  }
}

ProbeReceiver::ProbeReceiver(const std::vector<ProbeStream>& streams, telemetry::MetricsRegistry& registry,
                             std::size_t writer, std::uint64_t reorder_window)
    : writer_(writer),
      unknown_stream_(registry
                          .counter("takt_probe_unknown_stream_frames_total",
                                   "Probe frames of streams this listener was not told to measure")
                          .with({})) {
  check_unique_ids(streams);
  streams_.reserve(streams.size());
  for (const auto& s : streams) streams_.emplace_back(s, registry, reorder_window);
}

FrameVerdict ProbeReceiver::on_frame(std::span<const std::byte> frame, TaiTime received) noexcept {
  const ParsedFrame parsed = parse_frame(frame);
  if (!parsed.layer2_valid() || parsed.ethertype != kProbeEthertype) return FrameVerdict::not_probe;
  const auto header = decode(frame.subspan(parsed.l3_offset));
  if (!header) return FrameVerdict::not_probe;
  Stream* s = find(header->stream_id);
  if (s == nullptr) {
    unknown_stream_.add(writer_);
    return FrameVerdict::unknown_stream;
  }

  s->last_arrival = received;
  const auto [arrival, newly_lost] = s->tracker.observe(header->session, header->sequence);
  if (newly_lost != 0) s->lost.add(writer_, newly_lost);
  switch (arrival) {
    case Arrival::duplicate:
      s->duplicated.add(writer_);
      return FrameVerdict::recorded;  // its latency would count the frame twice
    case Arrival::late:
    case Arrival::stale:
      s->reordered.add(writer_);
      break;
    default:
      break;
  }
  s->received.add(writer_);
  const Nanos latency = received - header->transmit_time;
  s->latency.record(writer_, latency);
  s->sketch.record(latency);
  if (latency.count() > s->max_latency_ns) {
    ++s->deadline_misses;
    s->misses->add(writer_);
    if (s->late_frames.size() < StreamReport::kMaxLateFrames)
      s->late_frames.push_back({header->sequence, header->transmit_time, received});
  }
  return FrameVerdict::recorded;
}

std::uint64_t ProbeReceiver::flush_silent(TaiTime now, Nanos silence) noexcept {
  std::uint64_t total = 0;
  for (auto& s : streams_) {
    if (s.tracker.pending() == 0 || now - s.last_arrival < silence) continue;
    const std::uint64_t lost = s.tracker.flush();
    s.lost.add(writer_, lost);
    total += lost;
  }
  return total;
}

void ProbeReceiver::flush_all() noexcept {
  for (auto& s : streams_)
    if (const std::uint64_t lost = s.tracker.flush(); lost != 0) s.lost.add(writer_, lost);
}

std::vector<StreamReport> ProbeReceiver::report() const {
  std::vector<StreamReport> out;
  for (const auto& s : streams_) {
    StreamReport r;
    r.stream = s.name;
    r.max_latency = s.max_latency;
    r.counts = s.tracker.counts();
    r.deadline_misses = s.deadline_misses;
    r.late_frames = s.late_frames;
    r.late_frames_not_kept = s.deadline_misses - s.late_frames.size();
    r.latency_samples = s.sketch.count();
    r.p50 = s.sketch.quantile(0.50);
    r.p99 = s.sketch.quantile(0.99);
    r.min = s.sketch.min();
    r.max = s.sketch.max();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace takt::probe
