#include "dataplane/core/sequence_recovery.hpp"

#include <fmt/format.h>

#include "dataplane/core/config_error.hpp"

namespace takt {

namespace {
// std::popcount without the POPCNT instruction (the build targets baseline x86-64) is a call
// into libgcc; this is the same count in a dozen inline operations.
int bits_set(std::uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}
}  // namespace

SequenceRecovery::SequenceRecovery(const SequenceRecoveryConfig& config, TaiTime now) : config_(config) {
  if (config.history_length < 1 || config.history_length > kMaxRecoveryHistory)
    throw ConfigError(fmt::format("sequence recovery history-length {} is outside 1..{}", config.history_length,
                                  kMaxRecoveryHistory));
  if (config.reset_timeout <= Nanos{0}) throw ConfigError("sequence recovery reset timeout must be positive");
  if (config.latent.enabled) {
    if (config.latent.paths < 2) throw ConfigError("latent error detection needs at least 2 paths");
    if (config.latent.period <= Nanos{0} || config.latent.reset_period <= Nanos{0})
      throw ConfigError("latent error detection periods must be positive");
    if (config.latent.difference < 0) throw ConfigError("latent error difference must not be negative");
  }
  window_ = config.history_length == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << config.history_length) - 1;
  next_latent_test_ = now + config.latent.period;
  next_latent_reset_ = now + config.latent.reset_period;
}

// 7.4.3.2 SequenceRecoveryReset: the next frame is taken whatever its number. Numbers still in
// the window unseen are not counted lost.
void SequenceRecovery::reset() {
  counters_.lost += lost_in_window();
  skipped_ = 0;
  late_ = 0;
  take_any_ = true;
  history_ = 0;
  ++counters_.resets;
}

std::uint64_t SequenceRecovery::lost_in_window() const {
  if (take_any_ || config_.algorithm != RecoveryAlgorithm::vector) return 0;
  const auto unseen = static_cast<std::uint64_t>(config_.history_length - bits_set(history_));
  return skipped_ - late_ - unseen;
}

std::int64_t SequenceRecovery::base_difference() const {
  return static_cast<std::int64_t>(counters_.passed) * (config_.latent.paths - 1) -
         static_cast<std::int64_t>(counters_.discarded);
}

void SequenceRecovery::tick(TaiTime now) {
  // RemainingTicks reaching zero: only while a sequence is being tracked (TakeAny false).
  if (!take_any_ && now - last_pass_ >= config_.reset_timeout) reset();
  if (!config_.latent.enabled) return;
  // 7.4.4.4 LatentErrorReset before the test that falls at the same time, as its period is the
  // longer one: a fresh base difference, the error signal cleared.
  while (now >= next_latent_reset_) {
    latent_base_difference_ = base_difference();
    latent_error_ = false;
    ++counters_.latent_error_resets;
    next_latent_reset_ += config_.latent.reset_period;
  }
  // 7.4.4.3 LatentErrorTest: with N paths every passed frame should have N-1 discarded twins.
  // When fewer arrive a path has failed silently (or more: a path repeats frames).
  if (now >= next_latent_test_) {
    std::int64_t diff = base_difference() - latent_base_difference_;
    if (diff < 0) diff = -diff;
    if (diff > config_.latent.difference) {
      if (!latent_error_) ++counters_.latent_errors;
      latent_error_ = true;
    }
    const auto periods = (now - next_latent_test_) / config_.latent.period + 1;
    next_latent_test_ += config_.latent.period * periods;
  }
}

// 7.4.3.5 MatchRecoveryAlgorithm.
RecoveryVerdict SequenceRecovery::match_recovery(std::uint16_t sequence, TaiTime now) {
  if (take_any_) {
    take_any_ = false;
    recov_seq_num_ = sequence;
    return pass(now);
  }
  const auto delta = static_cast<std::uint16_t>(sequence - recov_seq_num_);
  if (delta == 0) {
    ++counters_.discarded;
    return RecoveryVerdict::discard;
  }
  if (delta != 1) ++counters_.out_of_order;
  recov_seq_num_ = sequence;
  return pass(now);
}

}  // namespace takt
