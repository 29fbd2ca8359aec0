#pragma once
// takt-probe's listener: receives probe frames on an interface with kernel receive timestamps
// and feeds them to a ProbeReceiver on one thread (registry writer 0).
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/metrics_registry.hpp"
#include "dataplane/probe/packet_socket.hpp"
#include "dataplane/probe/probe_receiver.hpp"
#include "ptp/host_tai_clock.hpp"

namespace takt::probe {

struct ListenerOptions {
  std::string interface;
  Nanos duration{0};  // 0: until stopped
  // A stream silent this long has its open gaps declared lost: no reordering lasts that long.
  Nanos loss_timeout{500'000'000};
};

class Listener {
 public:
  // Opens the receiving socket (throws std::runtime_error naming the interface).
  Listener(const std::vector<ProbeStream>& streams, ListenerOptions options, const ptp::TaiTimescale& timescale,
           telemetry::MetricsRegistry& registry);

  // Receives until the duration has passed or `stop` turns true; then declares every open
  // gap lost.
  void run(const std::atomic<bool>& stop);

  std::vector<StreamReport> report() const { return receiver_.report(); }
  std::uint64_t socket_drops() const { return socket_drops_; }
  std::uint64_t frames_without_timestamp() const { return untimed_; }

 private:
  ListenerOptions options_;
  ptp::TaiTimescale timescale_;
  PacketSocket socket_;
  ProbeReceiver receiver_;
  telemetry::ShardedCounter& drops_;
  std::uint64_t socket_drops_ = 0;
  std::uint64_t untimed_ = 0;
};

}  // namespace takt::probe
