#include "dataplane/probe/talker.hpp"

#include <cstring>
#include <random>

#include <spdlog/spdlog.h>

#include "dataplane/probe/host_clock.hpp"
#include "dataplane/probe/packet_socket.hpp"
#include "dataplane/probe/probe_frame.hpp"
#include "dataplane/probe/transmit_schedule.hpp"

namespace takt::probe {

namespace {

constexpr const char* kStream = "stream";

void keep(TalkerStreamReport& r, const HostStall& stall) {
  if (r.stalls.size() < TalkerStreamReport::kMaxStalls)
    r.stalls.push_back(stall);
  else
    ++r.stalls_not_kept;
}

std::uint32_t random_session() {
  std::random_device rd;
  return static_cast<std::uint32_t>(rd());
}

}  // namespace

struct Talker::Stream {
  Stream(const ProbeStream& s, const std::string& interface, std::uint32_t session, telemetry::MetricsRegistry& r)
      : config(s),
        socket(PacketSocket::for_sending(interface, s.pcp)),
        frame(build_probe_frame(s, socket.mac(), session)),
        sent(r.counter("takt_probe_frames_sent_total", "Probe frames the talker handed to the kernel", {kStream})
                 .with({s.name})),
        errors(r.counter("takt_probe_send_errors_total", "Probe frames the kernel refused to send", {kStream})
                   .with({s.name})),
        skipped(r.counter("takt_probe_intervals_skipped_total",
                          "Intervals the talker woke up for more than one interval late and did not send", {kStream})
                    .with({s.name})),
        lateness(r.histogram("takt_probe_send_lateness_seconds",
                             "Talker send time minus the planned transmission time (k * interval + offset)", {kStream})
                     .with({s.name}, telemetry::LatencyBuckets::standard())) {
    report.stream = s.name;
  }

  ProbeStream config;
  PacketSocket socket;
  ProbeFrame frame;
  std::uint64_t sequence = 0;
  telemetry::ShardedCounter& sent;
  telemetry::ShardedCounter& errors;
  telemetry::ShardedCounter& skipped;
  telemetry::LatencyHistogram& lateness;
  TalkerStreamReport report;
};

Talker::Talker(std::vector<ProbeStream> streams, TalkerOptions options, const ptp::TaiTimescale& timescale,
               telemetry::MetricsRegistry& registry)
    : options_(std::move(options)), timescale_(timescale), session_(random_session()) {
  check_unique_ids(streams);
  streams_.reserve(streams.size());
  for (const auto& s : streams) streams_.emplace_back(s, options_.interface, session_, registry);
}

Talker::~Talker() = default;

TaiTime Talker::run(const std::atomic<bool>& stop) {
  std::vector<StreamTiming> timings;
  for (const auto& s : streams_) timings.push_back({s.config.interval, s.config.offset.value_or(Nanos{0})});
  use_precise_timers();
  TransmitSchedule schedule(std::move(timings), now_tai(timescale_) + options_.start_lead);
  const TaiTime first = schedule.next().time;
  const TaiTime end = first + options_.duration;
  spdlog::info("{}: first transmission at TAI {} ns, session {:08x}", options_.interface, ns_of(first), session_);

  while (!stop.load(std::memory_order_relaxed)) {
    const Transmission planned = schedule.next();
    if (planned.time >= end) break;
    if (!sleep_until(timescale_, planned.time)) continue;  // a signal: look at `stop` again
    Stream& s = streams_[planned.stream];
    TaiTime now = now_tai(timescale_);
    const Nanos late = now - planned.time;
    if (const auto stall = late_send(planned.time, now, options_.stall_threshold)) keep(s.report, *stall);
    if (late >= s.config.interval) {
      const std::uint64_t n = schedule.skip_before(planned.stream, now);
      s.skipped.add(0, n);
      s.report.intervals_skipped += n;
      continue;
    }
    schedule.pop();
    s.lateness.record(0, late);
    s.report.lateness.record(late);
    // All frames of an interval back to back, as the plan reserves them one window.
    for (int i = 0; i < s.config.frames_per_interval; ++i) {
      if (i != 0) now = now_tai(timescale_);
      stamp(s.frame.payload(), s.sequence, now);
      if (const int err = s.socket.send(s.frame.bytes); err != 0) {
        // The sequence number is not used up: the listener must not count a loss the network
        // did not cause.
        s.errors.add(0);
        ++s.report.send_errors;
        if (s.report.send_errors == 1)
          spdlog::warn("{}: sending stream {} failed: {}", options_.interface, s.config.name, std::strerror(err));
        continue;
      }
      ++s.sequence;
      s.sent.add(0);
      ++s.report.sent;
    }
  }
  return first;
}

std::vector<TalkerStreamReport> Talker::report() const {
  std::vector<TalkerStreamReport> out;
  for (const auto& s : streams_) out.push_back(s.report);
  return out;
}

}  // namespace takt::probe
