#pragma once
// Loss, duplicates and reordering of one stream at a listener, from the sequence numbers the
// talker writes. A gap is not a loss at once: a frame may still arrive late within the
// reorder window (the last `window` sequence numbers). It becomes a loss when it falls out of
// that window or when flush() gives up on it, so the lost count only ever grows and can be
// exported as a Prometheus counter.
//
// Counting rules:
//   received    every frame that is not a duplicate (the first copy of each sequence number)
//   duplicated  a sequence number already received within the window
//   reordered   a frame older than the newest one received (it arrived after a later frame)
//   lost        sequence numbers from the first one received up to the newest that were not
//               received before leaving the window. Frames after the last one received are
//               not known to exist, so a talker's final frames, if lost, are not counted.
// A frame older than the window (or than the last flush) is counted received and reordered;
// if it had already been declared lost it stays counted there too. A new talker session
// (talker restart) flushes and starts over from its first sequence number.
#include <cstdint>
#include <vector>

namespace takt::probe {

enum class Arrival : std::uint8_t {
  first,      // first frame of a session
  in_order,   // exactly the next sequence number
  after_gap,  // newer than the next expected one: the ones between are missing (for now)
  late,       // fills a gap in the window: reordered
  stale,      // older than the window or the last flush: reordered, loss already decided
  duplicate,
};

struct SequenceCounts {
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t sessions = 0;
};

class SequenceTracker {
 public:
  // window: reorder tolerance in frames, a power of two (throws std::invalid_argument if not).
  explicit SequenceTracker(std::uint64_t window = 1024);

  struct Result {
    Arrival arrival;
    std::uint64_t newly_lost;  // sequence numbers this frame pushed out of the window unreceived
  };
  Result observe(std::uint32_t session, std::uint64_t sequence) noexcept;

  // Declares every sequence number still missing in the window lost, e.g. when the stream has
  // been silent longer than any reordering could explain. Returns how many.
  std::uint64_t flush() noexcept;

  const SequenceCounts& counts() const { return counts_; }
  // Missing sequence numbers not yet declared lost.
  std::uint64_t pending() const { return pending_; }
  bool started() const { return started_; }

 private:
  bool seen(std::uint64_t seq) const { return (bits_[(seq & mask_) >> 6] >> (seq & 63)) & 1U; }
  void set(std::uint64_t seq) { bits_[(seq & mask_) >> 6] |= std::uint64_t{1} << (seq & 63); }
  void clear(std::uint64_t seq) { bits_[(seq & mask_) >> 6] &= ~(std::uint64_t{1} << (seq & 63)); }
  void restart(std::uint32_t session, std::uint64_t sequence);
  std::uint64_t advance(std::uint64_t sequence);

  std::uint64_t window_;
  std::uint64_t mask_;
  std::vector<std::uint64_t> bits_;  // bit (seq mod window): received, for seq in the window

  bool started_ = false;
  std::uint32_t session_ = 0;
  std::uint64_t highest_ = 0;  // newest sequence number received
  std::uint64_t floor_ = 0;    // oldest sequence number whose fate is still open
  std::uint64_t pending_ = 0;  // missing in [floor_, highest_]
  SequenceCounts counts_;
};

}  // namespace takt::probe
