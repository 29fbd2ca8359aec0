#include "dataplane/probe/sequence_tracker.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace takt::probe {

SequenceTracker::SequenceTracker(std::uint64_t window) : window_(window), mask_(window - 1) {
  if (window < 64 || (window & (window - 1)) != 0)
    throw std::invalid_argument("reorder window " + std::to_string(window) + " must be a power of two of at least 64");
  bits_.assign(window / 64, 0);
}

void SequenceTracker::restart(std::uint32_t session, std::uint64_t sequence) {
  std::fill(bits_.begin(), bits_.end(), 0);
  started_ = true;
  session_ = session;
  highest_ = floor_ = sequence;
  pending_ = 0;
  set(sequence);
  ++counts_.sessions;
  ++counts_.received;
}

// Moves the window's top to `sequence` (> highest_): sequence numbers pushed out unreceived are
// lost, the ones skipped over become pending.
std::uint64_t SequenceTracker::advance(std::uint64_t sequence) {
  const std::uint64_t distance = sequence - highest_;
  std::uint64_t lost = 0;
  if (distance >= window_) {
    // The whole old window leaves; so do the skipped numbers below the new window.
    lost = pending_ + (distance - window_);
    std::fill(bits_.begin(), bits_.end(), 0);
    pending_ = window_ - 1;
  } else {
    for (std::uint64_t t = highest_ + 1; t <= sequence; ++t) {
      // t takes the slot of t - window, which leaves the window now.
      if (t >= window_) {
        const std::uint64_t leaving = t - window_;
        if (leaving >= floor_ && !seen(leaving)) {
          ++lost;
          --pending_;
        }
      }
      clear(t);
      if (t != sequence) ++pending_;
    }
  }
  set(sequence);
  highest_ = sequence;
  return lost;
}

SequenceTracker::Result SequenceTracker::observe(std::uint32_t session, std::uint64_t sequence) noexcept {
  if (!started_ || session != session_) {
    // A new session: whatever the old one still missed will not come any more.
    const std::uint64_t lost = started_ ? flush() : 0;
    restart(session, sequence);
    return {Arrival::first, lost};
  }
  if (sequence > highest_) {
    const Arrival arrival = sequence == highest_ + 1 ? Arrival::in_order : Arrival::after_gap;
    const std::uint64_t lost = advance(sequence);
    counts_.lost += lost;
    ++counts_.received;
    return {arrival, lost};
  }
  if (sequence < floor_ || highest_ - sequence >= window_) {
    ++counts_.received;
    ++counts_.reordered;
    return {Arrival::stale, 0};
  }
  if (seen(sequence)) {
    ++counts_.duplicated;
    return {Arrival::duplicate, 0};
  }
  set(sequence);
  --pending_;
  ++counts_.received;
  ++counts_.reordered;
  return {Arrival::late, 0};
}

std::uint64_t SequenceTracker::flush() noexcept {
  const std::uint64_t lost = pending_;
  counts_.lost += lost;
  pending_ = 0;
  floor_ = highest_ + 1;
  return lost;
}

}  // namespace takt::probe
