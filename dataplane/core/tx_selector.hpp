#pragma once
// IEEE 802.1Qbv transmission selection for one egress port: strict priority (traffic class 7
// highest) among the classes whose gate is open and whose head frame can be transmitted
// completely before that gate closes (length-aware guard band, 802.1Q 8.6.8.4).
//
// A class whose head frame does not fit the rest of its window is not available, so a lower
// class that fits may go first. A head frame longer than the longest window its gate ever
// opens would block its queue forever; it is dropped (reason kGateWindowTooSmall, counted in
// QueueCounters::dropped_window_too_small) and handed to on_drop so the caller frees it.
#include <cstdint>
#include <optional>
#include <string_view>

#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/tc_queue.hpp"
#include "dataplane/core/wire.hpp"

namespace takt {

enum class TxDropReason : std::uint8_t { kGateWindowTooSmall };

constexpr std::string_view to_string(TxDropReason r) {
  switch (r) {
    case TxDropReason::kGateWindowTooSmall: return "gate-window-too-small";
  }
  return "unknown";
}

template <class D>
struct TxSelection {
  std::optional<D> frame;  // the frame to transmit now, already dequeued
  int traffic_class = -1;
  TaiTime transmission_end = kNever;  // when the link is free again (frame selected)
  // Nothing selected: the earliest time a waiting frame might become sendable (a gate of a
  // non-empty class opens). kNever when all queues are empty: wake on the next enqueue.
  TaiTime wake_at = kNever;
};

// Wire time of a descriptor's frame at the port's link rate.
template <class D>
constexpr Nanos frame_wire_time(const D& d, std::int64_t link_rate_bps) {
  return transmission_time(wire_bytes_for_frame(frame_length_of(d)), link_rate_bps);
}

// `now` is when the link is idle. Call again at transmission_end (after sending) or wake_at.
template <class D, class OnDrop>
TxSelection<D> select_for_transmission(PortQueues<D>& queues, const GateEngine& gates, std::int64_t link_rate_bps,
                                       TaiTime now, OnDrop&& on_drop) {
  TxSelection<D> out;
  const std::uint8_t open = gates.gate_states(now);
  for (int tc = kTrafficClasses - 1; tc >= 0; --tc) {
    TcQueue<D>& q = queues[static_cast<std::size_t>(tc)];
    Nanos wire{0};
    while (!q.empty()) {
      wire = frame_wire_time(q.front(), link_rate_bps);
      if (wire <= gates.longest_open_window(tc)) break;
      ++q.counters().dropped_window_too_small;
      on_drop(q.pop(), TxDropReason::kGateWindowTooSmall);
    }
    if (q.empty()) continue;
    if (((open >> tc) & 1U) != 0) {
      const TaiTime close = gates.next_close(tc, now);
      if (close == kNever || now + wire <= close) {
        const D d = q.pop();
        ++q.counters().transmitted_frames;
        q.counters().transmitted_bytes += static_cast<std::uint64_t>(frame_length_of(d));
        out.frame = d;
        out.traffic_class = tc;
        out.transmission_end = now + wire;
        return out;
      }
      out.wake_at = std::min(out.wake_at, gates.next_open(tc, close));
    } else {
      out.wake_at = std::min(out.wake_at, gates.next_open(tc, now));
    }
  }
  return out;
}

template <class D>
TxSelection<D> select_for_transmission(PortQueues<D>& queues, const GateEngine& gates, std::int64_t link_rate_bps,
                                       TaiTime now) {
  return select_for_transmission(queues, gates, link_rate_bps, now, [](const D&, TxDropReason) {});
}

}  // namespace takt
