#include "dataplane/probe/listener.hpp"

#include <spdlog/spdlog.h>

#include "dataplane/probe/host_clock.hpp"

namespace takt::probe {

namespace {

// How long one receive waits, and so how often drops and silent streams are looked at.
constexpr Nanos kPoll{100'000'000};

}  // namespace

Listener::Listener(const std::vector<ProbeStream>& streams, ListenerOptions options, const ptp::TaiTimescale& timescale,
                   telemetry::MetricsRegistry& registry)
    : options_(std::move(options)),
      timescale_(timescale),
      socket_(PacketSocket::for_receiving(options_.interface)),
      receiver_(streams, registry),
      drops_(registry
                 .counter("takt_probe_socket_drops_total",
                          "Frames the kernel dropped because the listener's socket buffer was full; not network loss")
                 .with({})) {}

void Listener::run(const std::atomic<bool>& stop) {
  const TaiTime start = now_tai(timescale_);
  TaiTime next_housekeeping = start + kPoll;
  while (!stop.load(std::memory_order_relaxed)) {
    for (const auto& r : socket_.receive(kPoll)) {
      TaiTime at;
      if (r.realtime.count() != 0) {
        at = timescale_.from_realtime(r.realtime);
      } else {
        // No kernel timestamp: the read time is later than the arrival, never earlier.
        at = now_tai(timescale_);
        ++untimed_;
      }
      receiver_.on_frame(r.frame, at);
    }
    const TaiTime now = now_tai(timescale_);
    if (now >= next_housekeeping) {
      next_housekeeping = now + kPoll;
      if (const std::uint64_t d = socket_.take_drops(); d != 0) {
        drops_.add(0, d);
        socket_drops_ += d;
      }
      receiver_.flush_silent(now, options_.loss_timeout);
    }
    if (options_.duration.count() != 0 && now - start >= options_.duration) break;
  }
  // Frames still queued in the socket arrived before the stop; count them.
  for (auto batch = socket_.receive(Nanos{0}); !batch.empty(); batch = socket_.receive(Nanos{0}))
    for (const auto& r : batch)
      receiver_.on_frame(r.frame, r.realtime.count() != 0 ? timescale_.from_realtime(r.realtime) : now_tai(timescale_));
  if (const std::uint64_t d = socket_.take_drops(); d != 0) {
    drops_.add(0, d);
    socket_drops_ += d;
  }
  receiver_.flush_all();
  if (untimed_ != 0)
    spdlog::warn("{}: {} frames came without a kernel receive timestamp; their latency includes the read delay",
                 options_.interface, untimed_);
}

}  // namespace takt::probe
