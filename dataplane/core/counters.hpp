#pragma once
// Plain counters, one copy per lcore: the packet path increments its own copy without atomics
// or locks, and the scraper sums the copies with operator+= (a torn read of a 64-bit counter
// on x86-64 cannot happen; a slightly stale one is fine for monitoring).
#include <algorithm>
#include <cstdint>

namespace takt {

struct QueueCounters {
  std::uint64_t enqueued_frames = 0;
  std::uint64_t enqueued_bytes = 0;
  std::uint64_t transmitted_frames = 0;
  std::uint64_t transmitted_bytes = 0;
  std::uint64_t dropped_queue_full = 0;        // drop-tail: the ring was full
  std::uint64_t dropped_window_too_small = 0;  // head frame longer than any open window
  std::uint64_t max_depth = 0;                 // high-water mark; summed as a maximum

  QueueCounters& operator+=(const QueueCounters& o) {
    enqueued_frames += o.enqueued_frames;
    enqueued_bytes += o.enqueued_bytes;
    transmitted_frames += o.transmitted_frames;
    transmitted_bytes += o.transmitted_bytes;
    dropped_queue_full += o.dropped_queue_full;
    dropped_window_too_small += o.dropped_window_too_small;
    max_depth = std::max(max_depth, o.max_depth);
    return *this;
  }
};

struct PortCounters {
  std::uint64_t rx_frames = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t rx_malformed = 0;  // layer-2 header unusable: dropped at ingress
  std::uint64_t tx_frames = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t forwarded_static = 0;
  std::uint64_t forwarded_learned = 0;
  std::uint64_t flooded = 0;
  std::uint64_t filtered_no_egress = 0;   // the only egress was the ingress port
  std::uint64_t filtered_link_local = 0;  // to an 802.1Q reserved address (PTP peer delay, LLDP, ...)
  std::uint64_t learned_stations = 0;
  std::uint64_t station_moves = 0;
  std::uint64_t learn_table_full = 0;
  std::uint64_t rx_policed = 0;      // discarded by an 802.1Qci stream filter, gate or meter at ingress
  std::uint64_t rx_eliminated = 0;   // 802.1CB: a duplicate (or rogue) copy the recovery discarded
  std::uint64_t rx_r_tag_error = 0;  // truncated R-TAG, or an R-TAG where this bridge generates one
  std::uint64_t rx_oversize = 0;     // longer than the port's max frame size

  PortCounters& operator+=(const PortCounters& o) {
    rx_frames += o.rx_frames;
    rx_bytes += o.rx_bytes;
    rx_malformed += o.rx_malformed;
    tx_frames += o.tx_frames;
    tx_bytes += o.tx_bytes;
    forwarded_static += o.forwarded_static;
    forwarded_learned += o.forwarded_learned;
    flooded += o.flooded;
    filtered_no_egress += o.filtered_no_egress;
    filtered_link_local += o.filtered_link_local;
    learned_stations += o.learned_stations;
    station_moves += o.station_moves;
    learn_table_full += o.learn_table_full;
    rx_policed += o.rx_policed;
    rx_eliminated += o.rx_eliminated;
    rx_r_tag_error += o.rx_r_tag_error;
    rx_oversize += o.rx_oversize;
    return *this;
  }
};

struct StreamCounters {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t dropped = 0;  // any reason after identification (queue full, window too small)

  StreamCounters& operator+=(const StreamCounters& o) {
    frames += o.frames;
    bytes += o.bytes;
    dropped += o.dropped;
    return *this;
  }
};

}  // namespace takt
