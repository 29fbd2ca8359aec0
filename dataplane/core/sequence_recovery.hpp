#pragma once
// IEEE 802.1CB sequence recovery (7.4.3) and latent error detection (7.4.4) for one stream at
// one bridge: the copies of a frame that arrive over the member streams (the two seamless
// trees) carry one sequence number; the first copy passes, the others are discarded. Time is
// passed in: RemainingTicks and the latent error timers are evaluated against `now` whenever a
// frame arrives or tick() is called, which the packet loop does now and then.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "dataplane/core/time.hpp"

namespace takt {

enum class RecoveryAlgorithm : std::uint8_t {
  vector,  // 7.4.3.4: a history window; copies may arrive in any order within it
  match,   // 7.4.3.5: only the last sequence number is remembered; for in-order member streams
};

// History length is 1..64 here (802.1CB leaves the range to the implementation; 64 covers a
// gap of 64 frames between the two trees, far beyond what a planned schedule produces).
inline constexpr int kMaxRecoveryHistory = 64;

struct LatentErrorDetection {
  bool enabled = false;
  int paths = 2;                       // frerSeqRcvyLatentErrorPaths
  std::int64_t difference = 0;         // frerSeqRcvyLatentErrorDifference
  Nanos period{2'000'000'000};         // frerSeqRcvyLatentErrorPeriod
  Nanos reset_period{30'000'000'000};  // frerSeqRcvyLatentResetPeriod
  friend bool operator==(const LatentErrorDetection&, const LatentErrorDetection&) = default;
};

struct SequenceRecoveryConfig {
  RecoveryAlgorithm algorithm = RecoveryAlgorithm::vector;
  int history_length = 32;             // frerSeqRcvyHistoryLength (vector only)
  Nanos reset_timeout{1'000'000'000};  // frerSeqRcvyResetMSec: no frame passed for this long -> TakeAny
  bool take_no_sequence = false;       // frerSeqRcvyTakeNoSequence: pass frames without an R-TAG
  LatentErrorDetection latent;
  friend bool operator==(const SequenceRecoveryConfig&, const SequenceRecoveryConfig&) = default;
};

// 802.1CB 10.8 frerCpsSeqRcvy* counters.
struct SequenceRecoveryCounters {
  std::uint64_t passed = 0;               // PassedPackets
  std::uint64_t discarded = 0;            // DiscardedPackets: duplicates
  std::uint64_t out_of_order = 0;         // OutOfOrderPackets
  std::uint64_t rogue = 0;                // RoguePackets: outside the history window
  std::uint64_t lost = 0;                 // LostPackets: sequence numbers that never arrived
  std::uint64_t tagless = 0;              // TaglessPackets
  std::uint64_t resets = 0;               // Resets: RemainingTicks ran out
  std::uint64_t latent_errors = 0;        // SIGNAL_LATENT_ERROR raised
  std::uint64_t latent_error_resets = 0;  // LatentErrorResets

  SequenceRecoveryCounters& operator+=(const SequenceRecoveryCounters& o) {
    passed += o.passed;
    discarded += o.discarded;
    out_of_order += o.out_of_order;
    rogue += o.rogue;
    lost += o.lost;
    tagless += o.tagless;
    resets += o.resets;
    latent_errors += o.latent_errors;
    latent_error_resets += o.latent_error_resets;
    return *this;
  }
};

enum class RecoveryVerdict : std::uint8_t { pass, discard };

namespace detail {
// kEveryNthBit[n]: bits 0, n, 2n, ... of a 64-bit word (n >= 1; [0] is bit 0 alone).
inline constexpr std::array<std::uint64_t, 64> kEveryNthBit = [] {
  std::array<std::uint64_t, 64> table{};
  table[0] = 1;
  for (int n = 1; n < 64; ++n)
    for (int i = 0; i < 64; i += n) table[static_cast<std::size_t>(n)] |= std::uint64_t{1} << i;
  return table;
}();
}  // namespace detail

class SequenceRecovery {
 public:
  // Throws ConfigError on a history length outside 1..64, a non-positive timeout, or latent
  // error detection with fewer than two paths or a non-positive period.
  explicit SequenceRecovery(const SequenceRecoveryConfig& config = {}, TaiTime now = TaiTime{});

  // One frame of the stream: its sequence number, or none when it carries no R-TAG.
  RecoveryVerdict accept(std::optional<std::uint16_t> sequence, TaiTime now) {
    return accept(sequence.has_value(), sequence.value_or(0), now);
  }
  // The same with the R-TAG's presence apart from its number, as the packet path reads them (an
  // optional built there and passed on costs a store-forwarding stall per frame); inline up to
  // the algorithm, as the packet path calls it per frame and the timers are due rarely.
  RecoveryVerdict accept(bool tagged, std::uint16_t sequence, TaiTime now) {
    if (timers_due(now)) tick(now);
    if (!tagged) {
      ++counters_.tagless;
      if (!config_.take_no_sequence) return RecoveryVerdict::discard;
      return pass(now);
    }
    return config_.algorithm == RecoveryAlgorithm::vector ? vector_recovery(sequence, now)
                                                          : match_recovery(sequence, now);
  }
  // accept() of `count` tagged frames numbered first, first + step, first + 2 step, ... (modulo
  // 2^16), all at `now`: a talker's frames as one path delivers them, step 1 (or more for a path
  // that carries every step-th frame). When every one of them would pass, as the first copies of
  // frames in order do, they pass at once and the result is true: the state and the counters are
  // exactly what accept() of each would leave. Otherwise (a duplicate, a number behind or too far
  // ahead, a history of one) nothing passes and the result is false; the caller then accepts them
  // one by one, which answers as it would have (the timers already run here stay run).
  bool accept_stepped(std::uint16_t first, std::uint16_t step, std::uint16_t count, TaiTime now) {
    if (count == 0) return true;
    // The timers once: a frame that arrives at the same instant cannot make them due again.
    if (timers_due(now)) tick(now);
    const bool vector = config_.algorithm == RecoveryAlgorithm::vector;
    const int later = count - 1;  // frames after the first, each `step` ahead of the one before
    const int stride = later > 0 ? static_cast<std::int16_t>(step) : 1;  // a run of one has no step
    if (later > 0 && (vector ? stride <= 0 || stride >= config_.history_length : step == 0)) return false;
    std::uint64_t out_of_order = step != 1 ? static_cast<std::uint64_t>(later) : 0;
    std::uint64_t skipped = static_cast<std::uint64_t>(later) * static_cast<std::uint64_t>(stride - 1);
    int shift = later * stride;       // how far the window moves after the first frame
    std::uint64_t history = window_;  // TakeAny: numbers before the first count as seen
    if (!take_any_) {
      const auto ahead = static_cast<std::uint16_t>(first - recov_seq_num_);
      const int delta = static_cast<std::int16_t>(ahead);
      if (vector ? delta <= 0 || delta >= config_.history_length : ahead == 0) return false;
      if (delta != 1) ++out_of_order;
      skipped += static_cast<std::uint64_t>(delta - 1);
      shift += delta;
      history = history_;
    }
    if (vector) {
      // Each number taken sets the newest bit as the window moves on: bits 0, stride, 2 stride...
      const int span = later * stride + 1;
      const std::uint64_t taken = detail::kEveryNthBit[static_cast<std::size_t>(stride)] &
                                  (span >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << span) - 1);
      history_ = ((shift >= 64 ? 0 : history << shift) | taken) & window_;
      skipped_ += skipped;
    }
    counters_.out_of_order += out_of_order;
    take_any_ = false;
    recov_seq_num_ = static_cast<std::uint16_t>(first + later * step);
    counters_.passed += count;
    last_pass_ = now;
    return true;
  }
  // Runs the timers (reset timeout, latent error test and reset) up to `now`.
  void tick(TaiTime now);
  // The host did not run this recovery for `stalled` longer than it meant to (the hypervisor
  // took the vCPU): frames that arrived meanwhile wait in the port's receive ring and are offered
  // only now, so that time does not count on the timers. RemainingTicks and the latent error test
  // and reset fall due `stalled` later. Without this a stall as long as the reset timeout resets
  // the recovery before those frames are seen, and TakeAny then passes whichever comes first: a
  // second copy of a frame the faster path delivered before the stall is a duplicate at the
  // listener (the demo saw one after a 100 ms stall against a 100 ms timeout). A path that really
  // fell silent still resets the recovery, `stalled` later.
  void host_stalled(Nanos stalled) {
    if (stalled <= Nanos{0}) return;
    last_pass_ += stalled;
    next_latent_test_ += stalled;
    next_latent_reset_ += stalled;
  }

  // The counters; LostPackets is worked out here (see lost_in_window()), not per frame.
  SequenceRecoveryCounters counters() const {
    SequenceRecoveryCounters c = counters_;
    c.lost += lost_in_window();
    return c;
  }
  const SequenceRecoveryConfig& config() const { return config_; }
  // Set by SIGNAL_LATENT_ERROR, cleared by the next latent error reset.
  bool latent_error() const { return latent_error_; }
  bool take_any() const { return take_any_; }

 private:
  // 7.4.3.4 VectorRecoveryAlgorithm, inline: the packet path runs it per frame.
  RecoveryVerdict vector_recovery(std::uint16_t sequence, TaiTime now) {
    if (take_any_) {
      take_any_ = false;
      recov_seq_num_ = sequence;
      // Numbers before the first frame taken count as seen: they were never owed to this
      // recovery, so they are neither passed late nor counted lost when they leave the window.
      history_ = window_;
      return pass(now);
    }
    // Sequence numbers wrap at 2^16: the difference is taken modulo 2^16 as a signed number.
    const int delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - recov_seq_num_));
    const int length = config_.history_length;
    if (delta >= length || delta <= -length) {
      ++counters_.rogue;
      return RecoveryVerdict::discard;
    }
    if (delta <= 0) {
      const std::uint64_t bit = std::uint64_t{1} << -delta;
      if (history_ & bit) {
        ++counters_.discarded;
        return RecoveryVerdict::discard;
      }
      history_ |= bit;
      ++counters_.out_of_order;
      ++late_;
      return pass(now);
    }
    // Ahead: the window moves by delta, and the delta - 1 numbers jumped over enter it unseen.
    if (delta != 1) ++counters_.out_of_order;
    skipped_ += static_cast<std::uint64_t>(delta - 1);
    history_ = ((history_ << delta) | 1) & window_;
    recov_seq_num_ = sequence;
    return pass(now);
  }
  RecoveryVerdict match_recovery(std::uint16_t sequence, TaiTime now);
  RecoveryVerdict pass(TaiTime now) {
    ++counters_.passed;
    last_pass_ = now;
    return RecoveryVerdict::pass;
  }
  // Whether tick(now) would change anything: RemainingTicks ran out, or a latent error test or
  // reset is due.
  bool timers_due(TaiTime now) const {
    return (!take_any_ && now - last_pass_ >= config_.reset_timeout) ||
           (config_.latent.enabled && (now >= next_latent_reset_ || now >= next_latent_test_));
  }
  void reset();
  // LostPackets of the numbers that left the vector window since TakeAny: each left it seen or
  // lost. Since TakeAny filled the window, every number that entered it is one the window moved
  // past, seen (passed ahead or late) or skipped; so the lost ones are the skipped ones, less those
  // passed late, less those still unseen in the window. Counting this when the counters are read
  // keeps a population count of the leaving bits off the per-frame path.
  std::uint64_t lost_in_window() const;
  std::int64_t base_difference() const;

  SequenceRecoveryConfig config_;
  SequenceRecoveryCounters counters_;
  bool take_any_ = true;
  std::uint16_t recov_seq_num_ = 0;
  std::uint64_t history_ = 0;  // bit i: RecovSeqNum - i has passed
  std::uint64_t window_ = 0;   // history_length low bits set
  std::uint64_t skipped_ = 0;  // since TakeAny: numbers jumped over when the window moved ahead
  std::uint64_t late_ = 0;     // since TakeAny: numbers passed behind RecovSeqNum
  TaiTime last_pass_{};        // RemainingTicks = reset_timeout - (now - last_pass_)
  TaiTime next_latent_test_{};
  TaiTime next_latent_reset_{};
  std::int64_t latent_base_difference_ = 0;
  bool latent_error_ = false;
};

}  // namespace takt
