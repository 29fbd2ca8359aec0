#pragma once
// Bounded FIFO per traffic class: a ring of frame descriptors sized once at construction,
// drop-tail when full. Single producer and single consumer on the same lcore; no locks.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <string>
#include <vector>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/counters.hpp"
#include "dataplane/core/frame_descriptor.hpp"
#include "dataplane/core/pcp_map.hpp"

namespace takt {

template <class D = FrameDescriptor>
class TcQueue {
 public:
  explicit TcQueue(std::size_t capacity = 256)
      : ring_(ring_size(capacity)), capacity_(capacity), mask_(ring_.size() - 1) {}

  // False when full: the caller still owns the frame and must free it (the drop is counted).
  bool push(const D& d) {
    if (count_ == capacity_) {
      ++counters_.dropped_queue_full;
      return false;
    }
    ring_[wrap(head_ + count_)] = d;
    ++count_;
    ++counters_.enqueued_frames;
    counters_.enqueued_bytes += static_cast<std::uint64_t>(frame_length_of(d));
    if (count_ > counters_.max_depth) counters_.max_depth = count_;
    return true;
  }

  // push() for a run of frames in order: the first min(n, free room) are queued, the rest
  // are counted as drop-tail and stay the caller's (it frees frames[returned..n)).
  std::size_t push_bulk(const D* frames, std::size_t n) {
    const std::size_t room = capacity_ - count_;
    const std::size_t take = n < room ? n : room;
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < take; ++i) bytes += static_cast<std::uint64_t>(frame_length_of(frames[i]));
    // Copied in at most two stretches, up to the ring's end and on from its start.
    const std::size_t at = wrap(head_ + count_);
    const std::size_t before_end = std::min(take, ring_.size() - at);
    std::copy(frames, frames + before_end, ring_.begin() + static_cast<std::ptrdiff_t>(at));
    std::copy(frames + before_end, frames + take, ring_.begin());
    count_ += take;
    counters_.enqueued_frames += take;
    counters_.enqueued_bytes += bytes;
    counters_.dropped_queue_full += n - take;
    if (count_ > counters_.max_depth) counters_.max_depth = count_;
    return take;
  }

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  std::size_t capacity() const { return capacity_; }
  const D& front() const { return ring_[head_]; }

  D pop() {
    D d = ring_[head_];
    remove_front();
    return d;
  }
  // pop() for a caller that already copied front() where it needs it: saves a copy through a
  // temporary on the per-frame path.
  void remove_front() {
    head_ = wrap(head_ + 1);
    --count_;
  }
  // The i-th frame from the front, i < size(): a selector reads a run of frames in place and
  // then removes them with one remove_front(n), n <= size().
  const D& at(std::size_t i) const { return ring_[wrap(head_ + i)]; }
  void remove_front(std::size_t n) {
    head_ = wrap(head_ + n);
    count_ -= n;
  }

  // Reads frames in order from the front, in place: at() for a loop that walks them one by
  // one, without an index to wrap per frame. Valid until the queue changes; advance() at most
  // size() - 1 times.
  class Reader {
   public:
    const D& operator*() const { return ring_[at_]; }
    void advance() { at_ = (at_ + 1) & mask_; }

   private:
    friend class TcQueue;
    Reader(const D* ring, std::size_t mask, std::size_t at) : ring_(ring), mask_(mask), at_(at) {}
    const D* ring_;
    std::size_t mask_;
    std::size_t at_;
  };
  Reader reader() const { return Reader(ring_.data(), mask_, head_); }

  QueueCounters& counters() { return counters_; }
  const QueueCounters& counters() const { return counters_; }

 private:
  // The ring holds a power of two of slots, at least the capacity: an index wraps with a mask,
  // one instruction on the per-frame path instead of a compare and a select.
  static std::size_t ring_size(std::size_t capacity) {
    if (capacity == 0) throw ConfigError("a traffic-class queue needs a capacity of at least one frame");
    if (capacity > kMaxCapacity)
      throw ConfigError("a traffic-class queue holds at most " + std::to_string(kMaxCapacity) + " frames");
    return std::bit_ceil(capacity);
  }
  std::size_t wrap(std::size_t i) const { return i & mask_; }

  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 24;
  std::vector<D> ring_;
  std::size_t capacity_;
  std::size_t mask_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  QueueCounters counters_;
};

// The eight traffic-class queues of one egress port.
template <class D = FrameDescriptor>
class PortQueues {
 public:
  explicit PortQueues(std::size_t capacity_per_queue = 256)
      : queues_{TcQueue<D>(capacity_per_queue), TcQueue<D>(capacity_per_queue), TcQueue<D>(capacity_per_queue),
                TcQueue<D>(capacity_per_queue), TcQueue<D>(capacity_per_queue), TcQueue<D>(capacity_per_queue),
                TcQueue<D>(capacity_per_queue), TcQueue<D>(capacity_per_queue)} {}

  bool enqueue(std::uint8_t traffic_class, const D& d) { return queues_[traffic_class & 7U].push(d); }
  TcQueue<D>& operator[](std::size_t tc) { return queues_[tc]; }
  const TcQueue<D>& operator[](std::size_t tc) const { return queues_[tc]; }

  // Bit i set when traffic class i has a frame waiting.
  std::uint8_t nonempty_mask() const {
    std::uint8_t m = 0;
    for (std::size_t tc = 0; tc < queues_.size(); ++tc)
      if (!queues_[tc].empty()) m = static_cast<std::uint8_t>(m | (1U << tc));
    return m;
  }

 private:
  std::array<TcQueue<D>, kTrafficClasses> queues_;
};

}  // namespace takt
