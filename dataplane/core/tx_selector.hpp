#pragma once
// IEEE 802.1Qbv transmission selection for one egress port: strict priority (traffic class 7
// highest) among the classes whose gate is open and whose head frame can be transmitted
// completely before that gate closes (length-aware guard band, 802.1Q 8.6.8.4).
//
// A class whose head frame does not fit the rest of its window is not available, so a lower
// class that fits may go first. A head frame longer than the longest window its gate ever
// opens would block its queue forever; it is dropped (reason gate_window_too_small, counted in
// QueueCounters::dropped_window_too_small) and handed to on_drop so the caller frees it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/tc_queue.hpp"
#include "dataplane/core/wire.hpp"
#include "dataplane/core/wire_timer.hpp"

namespace takt {

enum class TxDropReason : std::uint8_t { gate_window_too_small };

constexpr std::string_view to_string(TxDropReason r) {
  switch (r) {
    case TxDropReason::gate_window_too_small:
      return "gate-window-too-small";
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
      on_drop(q.pop(), TxDropReason::gate_window_too_small);
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

// One frame of a batch, already dequeued: it starts on the wire at `start`.
template <class D>
struct TxSlot {
  D frame{};
  TaiTime start{};
  std::uint8_t traffic_class = 0;
};

struct TxBatch {
  std::size_t count = 0;    // slots filled
  std::uint64_t bytes = 0;  // frame_length_of the frames selected, summed
  TaiTime link_free_at{};   // end of the last frame selected; the start time when none was
  // As TxSelection::wake_at when the batch ended because nothing was sendable at
  // link_free_at: when a gate of a waiting class opens (kNever: every queue is empty). kNever
  // too when it ended on a limit (slots full, last start passed) with frames still sendable.
  TaiTime wake_at = kNever;
};

namespace detail {
// Wire times of a port's frames: consecutive frames mostly have one length (a talker's stream,
// a flow of best-effort frames), so the last length's time is kept instead of multiplying again.
class WireTimeMemo {
 public:
  explicit WireTimeMemo(const WireTimer& timer) : timer_(timer) {}
  Nanos operator()(std::int64_t frame_length) {
    if (frame_length != length_) {
      length_ = frame_length;
      time_ = timer_.frame(frame_length);
    }
    return time_;
  }

 private:
  const WireTimer& timer_;
  std::int64_t length_ = -1;
  Nanos time_{0};
};

// Drops head frames of class tc that can never be sent whole (as select_for_transmission
// does); false when the queue is then empty, else the head's wire time in `wire_time`.
template <class D, class OnDrop>
[[gnu::always_inline]] inline bool sendable_head(TcQueue<D>& q, const GateEngine& gates, int tc, WireTimeMemo& wire,
                                                 Nanos& wire_time, OnDrop& on_drop) {
  while (!q.empty()) {
    wire_time = wire(frame_length_of(q.front()));
    if (wire_time <= gates.longest_open_window(tc)) return true;
    ++q.counters().dropped_window_too_small;
    on_drop(q.pop(), TxDropReason::gate_window_too_small);
  }
  return false;
}
}  // namespace detail

// Selects frames for back-to-back transmission from `now` into `out`: exactly the frames,
// traffic classes and start times that calling select_for_transmission at `now` and then at
// each transmission_end would give, stopping when `out` is full, before a frame that would
// start after `last_start`, or at the first time nothing is sendable.
//
// Why it is cheaper: one gate query serves every frame until the gate states may next change
// (GateEngine::gate_span), one close-time query serves every frame of a class in that span,
// and wire times come from a reciprocal (WireTimer) instead of a division, once per run of equal
// lengths. Exactness rests on two facts that hold inside a span, where no frame is enqueued and
// the gate states stay put: a class passed over (empty, gate closed, or head frame ending after
// its gate closes) stays passed over as time moves on, and an open class's next close is the
// same for every start time in the span. So the strict-priority scan resumes where it left off
// instead of restarting at traffic class 7 for every frame, and a class's frames are taken as a
// run: read in place, then removed from the queue and counted once.
template <class D, class OnDrop>
TxBatch select_batch_for_transmission(PortQueues<D>& queues, const GateEngine& gates, const WireTimer& wire_timer,
                                      TaiTime now, TaiTime last_start, std::span<TxSlot<D>> out, OnDrop&& on_drop) {
  // Why a run of one class ended.
  enum class RunEnd : std::uint8_t { batch_full, span_over, no_fit, queue_empty, head_too_long };
  detail::WireTimeMemo wire(wire_timer);
  TxBatch b;
  TaiTime t = now;
  std::size_t n = 0;
  Nanos w{0};
  while (n < out.size() && t <= last_start) {
    const GateSpan span = gates.gate_span(t);
    bool span_over = false;
    for (int tc = kTrafficClasses - 1; tc >= 0 && !span_over; --tc) {
      TcQueue<D>& q = queues[static_cast<std::size_t>(tc)];
      if (!detail::sendable_head(q, gates, tc, wire, w, on_drop)) continue;
      if (((span.states >> tc) & 1U) == 0) continue;
      const TaiTime close = gates.next_close(tc, t);
      const Nanos longest = gates.longest_open_window(tc);
      // A run stops after a frame that starts past last_start or at the span's end.
      const TaiTime time_limit = std::min(last_start, span.end - Nanos{1});
      for (;;) {
        // The head is sendable with wire time w: frames of this class back to back from t. The
        // loop tests the limits that cannot change within the run (slots, queued frames, time)
        // as one count and one time, and looks at a wire time only when the length changes; the
        // reason the run ended is sorted out after it, in select_for_transmission's order.
        const std::size_t queued = q.size();
        const std::size_t limit = std::min(out.size() - n, queued);
        // The latest start at which a frame of wire time w still fits before the gate closes.
        auto fit_by = [&] { return close == kNever ? kNever : close - w; };
        TaiTime latest = fit_by();
        typename TcQueue<D>::Reader next = q.reader();
        std::int64_t length = frame_length_of(*next);
        TxSlot<D>* slot = out.data() + n;
        std::size_t k = 0;
        std::uint64_t bytes = 0;
        RunEnd end;
        for (;;) {
          if (t > latest) {  // does not fit: a lower class may
            end = RunEnd::no_fit;
            break;
          }
          slot->frame = *next;
          slot->start = t;
          slot->traffic_class = static_cast<std::uint8_t>(tc);
          ++slot;
          bytes += static_cast<std::uint64_t>(length);
          t += w;
          if (++k == limit || t > time_limit) {
            if (n + k == out.size() || t > last_start)
              end = RunEnd::batch_full;
            else if (t >= span.end)
              end = RunEnd::span_over;
            else
              end = RunEnd::queue_empty;
            break;
          }
          next.advance();
          if (const std::int64_t l = frame_length_of(*next); l != length) {
            length = l;
            w = wire(length);
            if (w > longest) {
              end = RunEnd::head_too_long;
              break;
            }
            latest = fit_by();
          }
        }
        n += k;
        q.remove_front(k);
        q.counters().transmitted_frames += k;
        q.counters().transmitted_bytes += bytes;
        b.bytes += bytes;
        if (end == RunEnd::batch_full) {
          b.count = n;
          b.link_free_at = t;
          return b;
        }
        if (end == RunEnd::span_over) span_over = true;
        // A head that can never be sent is dropped as select_for_transmission drops it.
        if (end != RunEnd::head_too_long || !detail::sendable_head(q, gates, tc, wire, w, on_drop)) break;
      }
    }
    if (span_over) continue;
    // Nothing sendable at t: when a waiting class's gate opens (select_for_transmission's rule).
    for (int tc = kTrafficClasses - 1; tc >= 0; --tc) {
      TcQueue<D>& q = queues[static_cast<std::size_t>(tc)];
      if (!detail::sendable_head(q, gates, tc, wire, w, on_drop)) continue;
      const TaiTime from = ((span.states >> tc) & 1U) != 0 ? gates.next_close(tc, t) : t;
      if (from == kNever) continue;  // cannot happen: an open class that never closes is sendable
      b.wake_at = std::min(b.wake_at, gates.next_open(tc, from));
    }
    break;
  }
  b.count = n;
  b.link_free_at = t;
  return b;
}

template <class D>
TxBatch select_batch_for_transmission(PortQueues<D>& queues, const GateEngine& gates, const WireTimer& wire,
                                      TaiTime now, TaiTime last_start, std::span<TxSlot<D>> out) {
  return select_batch_for_transmission(queues, gates, wire, now, last_start, out, [](const D&, TxDropReason) {});
}

}  // namespace takt
