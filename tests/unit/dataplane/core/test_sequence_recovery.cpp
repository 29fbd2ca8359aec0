#include <catch2/catch.hpp>

#include <vector>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/sequence_recovery.hpp"

using namespace takt;

namespace {
constexpr TaiTime t0 = tai_ns(1'000'000'000);
TaiTime at_us(std::int64_t us) { return t0 + Nanos{us * 1000}; }
}  // namespace

TEST_CASE("vector recovery: two copies of every frame, one passes", "[frer]") {
  SequenceRecovery r({}, t0);
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    CHECK(r.accept(seq, at_us(seq * 10)) == RecoveryVerdict::pass);
    CHECK(r.accept(seq, at_us(seq * 10 + 3)) == RecoveryVerdict::discard);
  }
  CHECK(r.counters().passed == 100);
  CHECK(r.counters().discarded == 100);
  CHECK(r.counters().lost == 0);
  CHECK(r.counters().out_of_order == 0);
  CHECK(r.counters().rogue == 0);
}

TEST_CASE("vector recovery: the later tree may deliver first within the history", "[frer]") {
  SequenceRecovery r({}, t0);
  // Tree A delivers 0..9, tree B's copies of 0..9 come after tree A is already at 9; then tree B
  // runs ahead by three frames.
  for (std::uint16_t s = 0; s < 10; ++s) REQUIRE(r.accept(s, at_us(s)) == RecoveryVerdict::pass);
  for (std::uint16_t s = 0; s < 10; ++s) REQUIRE(r.accept(s, at_us(20 + s)) == RecoveryVerdict::discard);
  CHECK(r.accept(12, at_us(40)) == RecoveryVerdict::pass);  // jumps over 10 and 11
  CHECK(r.accept(10, at_us(41)) == RecoveryVerdict::pass);  // late copy of a number not seen yet
  CHECK(r.accept(11, at_us(42)) == RecoveryVerdict::pass);
  CHECK(r.accept(10, at_us(43)) == RecoveryVerdict::discard);
  CHECK(r.counters().passed == 13);
  CHECK(r.counters().out_of_order == 3);  // 12 (delta 2), 10 and 11 (older, unseen)
  CHECK(r.counters().lost == 0);
}

TEST_CASE("vector recovery: numbers that never arrive are counted lost when they leave the window", "[frer]") {
  SequenceRecoveryConfig c;
  c.history_length = 4;
  SequenceRecovery r(c, t0);
  REQUIRE(r.accept(0, at_us(0)) == RecoveryVerdict::pass);
  REQUIRE(r.accept(3, at_us(1)) == RecoveryVerdict::pass);  // 1, 2 missing; still in the window
  CHECK(r.counters().lost == 0);
  REQUIRE(r.accept(5, at_us(2)) == RecoveryVerdict::pass);  // window now 2..5: 1 left it unseen
  CHECK(r.counters().lost == 1);
  REQUIRE(r.accept(6, at_us(3)) == RecoveryVerdict::pass);  // 2 left unseen
  CHECK(r.counters().lost == 2);
  // Outside the window in either direction: rogue, discarded, state unchanged.
  CHECK(r.accept(10, at_us(4)) == RecoveryVerdict::discard);
  CHECK(r.accept(2, at_us(5)) == RecoveryVerdict::discard);
  CHECK(r.counters().rogue == 2);
  CHECK(r.accept(7, at_us(6)) == RecoveryVerdict::pass);
}

TEST_CASE("vector recovery: sequence numbers wrap at 65536", "[frer]") {
  SequenceRecovery r({}, t0);
  REQUIRE(r.accept(65534, at_us(0)) == RecoveryVerdict::pass);
  CHECK(r.accept(65535, at_us(1)) == RecoveryVerdict::pass);
  CHECK(r.accept(0, at_us(2)) == RecoveryVerdict::pass);
  CHECK(r.accept(65535, at_us(3)) == RecoveryVerdict::discard);
  CHECK(r.accept(1, at_us(4)) == RecoveryVerdict::pass);
  CHECK(r.counters().out_of_order == 0);
  CHECK(r.counters().lost == 0);
}

TEST_CASE("vector recovery: history length 64 uses the whole window", "[frer]") {
  SequenceRecoveryConfig c;
  c.history_length = 64;
  SequenceRecovery r(c, t0);
  REQUIRE(r.accept(100, at_us(0)) == RecoveryVerdict::pass);
  CHECK(r.accept(163, at_us(1)) == RecoveryVerdict::pass);
  CHECK(r.counters().lost == 0);  // 101..162 are still inside the 64-wide window
  CHECK(r.accept(101, at_us(2)) == RecoveryVerdict::pass);
  CHECK(r.accept(100, at_us(3)) == RecoveryVerdict::discard);  // 63 behind: still remembered
  CHECK(r.accept(227, at_us(4)) == RecoveryVerdict::discard);  // 64 ahead: rogue
  CHECK(r.counters().rogue == 1);
  CHECK(r.accept(226, at_us(5)) == RecoveryVerdict::pass);  // 162..100 leave: only 100 and 101 were seen
  CHECK(r.counters().lost == 61);
}

TEST_CASE("match recovery: discards the repeat of the last number only", "[frer]") {
  SequenceRecoveryConfig c;
  c.algorithm = RecoveryAlgorithm::match;
  SequenceRecovery r(c, t0);
  CHECK(r.accept(5, at_us(0)) == RecoveryVerdict::pass);
  CHECK(r.accept(5, at_us(1)) == RecoveryVerdict::discard);
  CHECK(r.accept(6, at_us(2)) == RecoveryVerdict::pass);
  CHECK(r.accept(8, at_us(3)) == RecoveryVerdict::pass);
  CHECK(r.accept(7, at_us(4)) == RecoveryVerdict::pass);  // match has no history: an older one passes
  CHECK(r.counters().passed == 4);
  CHECK(r.counters().discarded == 1);
  CHECK(r.counters().out_of_order == 2);
}

TEST_CASE("recovery: frames without an R-TAG are tagless, passed only with take-no-sequence", "[frer]") {
  SequenceRecovery strict({}, t0);
  CHECK(strict.accept(std::nullopt, at_us(0)) == RecoveryVerdict::discard);
  CHECK(strict.counters().tagless == 1);
  SequenceRecoveryConfig c;
  c.take_no_sequence = true;
  SequenceRecovery lax(c, t0);
  CHECK(lax.accept(std::nullopt, at_us(0)) == RecoveryVerdict::pass);
  CHECK(lax.counters().tagless == 1);
  CHECK(lax.counters().passed == 1);
}

TEST_CASE("recovery: the reset timeout takes any number again", "[frer]") {
  SequenceRecoveryConfig c;
  c.reset_timeout = std::chrono::milliseconds(10);
  SequenceRecovery r(c, t0);
  REQUIRE(r.accept(1000, at_us(0)) == RecoveryVerdict::pass);
  // A talker restarted at 0 is a rogue until the timeout, then taken.
  CHECK(r.accept(0, at_us(9'999)) == RecoveryVerdict::discard);
  CHECK(r.counters().resets == 0);
  // 10 ms after the last frame that passed (a rogue does not restart the timer) the recovery
  // resets, and the next frame is taken whatever its number.
  CHECK(r.accept(0, at_us(20'000)) == RecoveryVerdict::pass);
  CHECK(r.counters().resets == 1);
  CHECK(r.accept(1, at_us(20'001)) == RecoveryVerdict::pass);
  CHECK(r.accept(0, at_us(20'002)) == RecoveryVerdict::discard);
  // tick() alone fires it too, once.
  r.tick(at_us(40'000));
  r.tick(at_us(60'000));
  CHECK(r.counters().resets == 2);
  CHECK(r.take_any());
}

TEST_CASE("recovery: time the host did not run the bridge does not count on the reset timeout", "[frer]") {
  SequenceRecoveryConfig c;
  c.reset_timeout = std::chrono::milliseconds(100);
  // Path A delivers frame s at s ms; path B lags three frames behind. After B's copy of 6 the
  // bridge's packet loop is away for 150 ms; B's copies of 7..9 wait in its receive ring.
  const auto before_stall = [&] {
    SequenceRecovery r(c, t0);
    for (std::uint16_t s = 0; s < 10; ++s) {
      REQUIRE(r.accept(s, at_us(s * 1000)) == RecoveryVerdict::pass);
      if (s >= 3)
        REQUIRE(r.accept(static_cast<std::uint16_t>(s - 3), at_us(s * 1000 + 500)) == RecoveryVerdict::discard);
    }
    return r;
  };
  SECTION("not told: the stall resets the recovery and a stale copy passes, a duplicate") {
    SequenceRecovery r = before_stall();
    CHECK(r.accept(7, at_us(160'000)) == RecoveryVerdict::pass);
    CHECK(r.counters().resets == 1);
  }
  SECTION("told: the stale copies are discarded, the next frame passes, nothing is lost") {
    SequenceRecovery r = before_stall();
    r.host_stalled(std::chrono::milliseconds(150));
    for (std::uint16_t s = 7; s < 10; ++s) CHECK(r.accept(s, at_us(160'000 + s)) == RecoveryVerdict::discard);
    CHECK(r.accept(10, at_us(160'100)) == RecoveryVerdict::pass);
    CHECK(r.counters().resets == 0);
    CHECK(r.counters().passed == 11);
    CHECK(r.counters().discarded == 10);
    CHECK(r.counters().lost == 0);
  }
  SECTION("told: a path that fell silent still resets it, the stall later") {
    SequenceRecovery r = before_stall();
    r.host_stalled(std::chrono::milliseconds(150));
    r.tick(at_us(258'999));  // last pass at 9 ms, + 150 ms away, + 100 ms timeout
    CHECK(r.counters().resets == 0);
    r.tick(at_us(259'000));
    CHECK(r.counters().resets == 1);
    CHECK(r.take_any());
  }
}

TEST_CASE("latent error detection: a silent path raises the error, a reset clears it", "[frer]") {
  SequenceRecoveryConfig c;
  c.latent.enabled = true;
  c.latent.paths = 2;
  c.latent.difference = 5;
  c.latent.period = std::chrono::milliseconds(100);
  c.latent.reset_period = std::chrono::milliseconds(1000);
  SequenceRecovery r(c, t0);
  std::uint16_t seq = 0;
  std::int64_t us = 0;
  // Both paths deliver for 500 ms: passed and discarded grow together, no error.
  for (; us < 500'000; us += 1000, ++seq) {
    r.accept(seq, at_us(us));
    r.accept(seq, at_us(us + 10));
  }
  CHECK_FALSE(r.latent_error());
  CHECK(r.counters().latent_errors == 0);
  // One path goes quiet: after more than 5 frames and the next test, the error is signalled.
  for (; us < 700'000; us += 1000, ++seq) r.accept(seq, at_us(us));
  CHECK(r.latent_error());
  CHECK(r.counters().latent_errors == 1);
  CHECK(r.counters().lost == 0);
  // The reset at 1 s takes a new base and clears the signal; the path is still quiet, so the
  // next test raises it again.
  r.tick(at_us(1'000'000));
  CHECK(r.counters().latent_error_resets == 1);
  CHECK_FALSE(r.latent_error());
  for (us = 1'000'000; us < 1'200'000; us += 1000, ++seq) r.accept(seq, at_us(us));
  CHECK(r.latent_error());
  CHECK(r.counters().latent_errors == 2);
}

TEST_CASE("recovery: configuration outside what 802.1CB and this bridge allow is refused", "[frer]") {
  SequenceRecoveryConfig c;
  c.history_length = 0;
  CHECK_THROWS_AS(SequenceRecovery(c, t0), ConfigError);
  c.history_length = 65;
  CHECK_THROWS_AS(SequenceRecovery(c, t0), ConfigError);
  c.history_length = 32;
  c.reset_timeout = Nanos{0};
  CHECK_THROWS_AS(SequenceRecovery(c, t0), ConfigError);
  c.reset_timeout = std::chrono::seconds(1);
  c.latent.enabled = true;
  c.latent.paths = 1;
  CHECK_THROWS_AS(SequenceRecovery(c, t0), ConfigError);
}

namespace {
// 802.1CB's VectorRecoveryAlgorithm as the standard writes it, LostPackets counted at every move
// of the window (bit by bit): the reference SequenceRecovery's counters must match.
struct ReferenceVector {
  int length;
  Nanos reset_timeout;
  bool take_any = true;
  std::uint16_t recov = 0;
  std::vector<bool> seen;  // seen[i]: recov - i has passed
  TaiTime last_pass{};
  SequenceRecoveryCounters c;

  ReferenceVector(int history, Nanos timeout) : length(history), reset_timeout(timeout), seen(history, false) {}

  RecoveryVerdict accept(std::uint16_t sequence, TaiTime now) {
    if (!take_any && now - last_pass >= reset_timeout) {
      take_any = true;
      ++c.resets;
    }
    if (take_any) {
      take_any = false;
      recov = sequence;
      seen.assign(length, true);
      return pass(now);
    }
    const int delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - recov));
    if (delta >= length || delta <= -length) {
      ++c.rogue;
      return RecoveryVerdict::discard;
    }
    if (delta <= 0) {
      if (seen[-delta]) {
        ++c.discarded;
        return RecoveryVerdict::discard;
      }
      seen[-delta] = true;
      ++c.out_of_order;
      return pass(now);
    }
    if (delta != 1) ++c.out_of_order;
    for (int step = 0; step < delta; ++step) {  // one number leaves, one enters, per step
      if (!seen.back()) ++c.lost;
      seen.pop_back();
      seen.insert(seen.begin(), false);
    }
    seen.front() = true;
    recov = sequence;
    return pass(now);
  }
  RecoveryVerdict pass(TaiTime now) {
    ++c.passed;
    last_pass = now;
    return RecoveryVerdict::pass;
  }
};
}  // namespace

TEST_CASE("vector recovery counts exactly as the standard's algorithm, lost numbers included", "[frer]") {
  for (const int history : {1, 2, 7, 32, 63, 64}) {
    SequenceRecoveryConfig config;
    config.history_length = history;
    config.reset_timeout = Nanos{50'000};
    SequenceRecovery r(config, t0);
    ReferenceVector ref(history, config.reset_timeout);
    std::uint32_t seed = 11U + static_cast<std::uint32_t>(history);
    auto next = [&seed](std::uint32_t bound) {
      seed = seed * 1103515245U + 12345U;
      return (seed >> 8) % bound;
    };
    std::uint16_t head = 0;
    TaiTime now = t0;
    for (int frame = 0; frame < 20'000; ++frame) {
      // Mostly in order; jumps ahead inside and past the window, late and duplicate copies,
      // rogue numbers, and now and then a silence past the reset timeout.
      const std::uint32_t kind = next(100);
      std::uint16_t sequence = head;
      if (kind < 55) {
        sequence = ++head;
      } else if (kind < 70) {
        head = static_cast<std::uint16_t>(head + 1 + next(static_cast<std::uint32_t>(history) + 2));
        sequence = head;
      } else if (kind < 90) {
        sequence = static_cast<std::uint16_t>(head - next(static_cast<std::uint32_t>(history) + 2));
      } else if (kind < 97) {
        sequence = static_cast<std::uint16_t>(head + 30'000 + next(1000));
      }
      now += Nanos{next(100) == 0 ? 60'000 : 100};
      INFO("history " << history << ", frame " << frame << ", sequence " << sequence);
      REQUIRE(r.accept(sequence, now) == ref.accept(sequence, now));
      const SequenceRecoveryCounters got = r.counters();
      REQUIRE(got.passed == ref.c.passed);
      REQUIRE(got.discarded == ref.c.discarded);
      REQUIRE(got.out_of_order == ref.c.out_of_order);
      REQUIRE(got.rogue == ref.c.rogue);
      REQUIRE(got.resets == ref.c.resets);
      REQUIRE(got.lost == ref.c.lost);
    }
    // A window of one or two numbers cannot lose one: every jump that would is rogue.
    if (history >= 7) CHECK(ref.c.lost > 100);
    CHECK(ref.c.resets > 10);
  }
}

TEST_CASE("a run of frames a constant step apart passes at once exactly as frame by frame", "[frer]") {
  // Two recoveries see the same frames: one accepts every frame alone, the other offers each run
  // to accept_stepped() first and falls back to accept() when it refuses. Their answers, counters
  // (LostPackets included) and all later behaviour must agree; latent error detection runs too,
  // since it reads the counters the run updates.
  for (const RecoveryAlgorithm algorithm : {RecoveryAlgorithm::vector, RecoveryAlgorithm::match}) {
    for (const int history : {1, 2, 3, 16, 32, 63, 64}) {
      if (algorithm == RecoveryAlgorithm::match && history != 32) continue;  // match has no history
      SequenceRecoveryConfig config;
      config.algorithm = algorithm;
      config.history_length = history;
      config.reset_timeout = Nanos{50'000};
      config.latent.enabled = true;
      config.latent.difference = 5;
      config.latent.period = Nanos{20'000};
      config.latent.reset_period = Nanos{70'000};
      SequenceRecovery each(config, t0);
      SequenceRecovery runs(config, t0);
      std::uint32_t seed = 7U + static_cast<std::uint32_t>(history) * 3U + static_cast<std::uint32_t>(algorithm);
      auto next = [&seed](std::uint32_t bound) {
        seed = seed * 1103515245U + 12345U;
        return (seed >> 8) % bound;
      };
      std::uint16_t head = 0;
      TaiTime now = t0;
      std::uint64_t at_once = 0, refused = 0;
      for (int run = 0; run < 6'000; ++run) {
        // Steps of one mostly, then others inside and outside the history, none, backwards; the
        // first number ahead, on, behind or far from the last one taken.
        const std::uint32_t kind = next(100);
        std::uint16_t step = 1;
        if (kind >= 60 && kind < 75)
          step = static_cast<std::uint16_t>(2 + next(static_cast<std::uint32_t>(history) + 2));
        if (kind >= 75 && kind < 80) step = 0;
        if (kind >= 80 && kind < 85) step = static_cast<std::uint16_t>(0 - 1 - next(3));
        if (kind >= 85 && kind < 88) step = static_cast<std::uint16_t>(40'000);
        const std::uint32_t start = next(100);
        std::uint16_t first = static_cast<std::uint16_t>(head + 1);
        if (start >= 50 && start < 65)
          first = static_cast<std::uint16_t>(head + 2 + next(static_cast<std::uint32_t>(history) + 3));
        if (start >= 65 && start < 80)
          first = static_cast<std::uint16_t>(head - next(static_cast<std::uint32_t>(history) + 2));
        if (start >= 80 && start < 85) first = static_cast<std::uint16_t>(head + 30'000);
        const auto count = static_cast<std::uint16_t>(next(10) == 0 ? next(80) : 1 + next(40));
        now += Nanos{next(60) == 0 ? 60'000 : 1'000};
        INFO("history " << history << " run " << run << " first " << first << " step " << step << " count " << count);
        std::vector<RecoveryVerdict> expected;
        for (std::uint16_t i = 0; i < count; ++i)
          expected.push_back(each.accept(static_cast<std::uint16_t>(first + i * step), now));
        if (runs.accept_stepped(first, step, count, now)) {
          ++at_once;
          for (const RecoveryVerdict v : expected) REQUIRE(v == RecoveryVerdict::pass);
        } else {
          ++refused;
          REQUIRE(count > 0);
          for (std::uint16_t i = 0; i < count; ++i)
            REQUIRE(runs.accept(true, static_cast<std::uint16_t>(first + i * step), now) == expected[i]);
        }
        const SequenceRecoveryCounters a = each.counters(), b = runs.counters();
        REQUIRE(b.passed == a.passed);
        REQUIRE(b.discarded == a.discarded);
        REQUIRE(b.out_of_order == a.out_of_order);
        REQUIRE(b.rogue == a.rogue);
        REQUIRE(b.lost == a.lost);
        REQUIRE(b.resets == a.resets);
        REQUIRE(b.latent_errors == a.latent_errors);
        REQUIRE(b.latent_error_resets == a.latent_error_resets);
        REQUIRE(runs.take_any() == each.take_any());
        REQUIRE(runs.latent_error() == each.latent_error());
        if (count > 0) head = static_cast<std::uint16_t>(first + (count - 1) * step);
      }
      // Both ways were taken often: the comparison covers the closed form and the refusals.
      INFO("history " << history << ": " << at_once << " runs at once, " << refused << " refused");
      CHECK(at_once > (history >= 2 ? 300U : 5U));  // a history of one takes a run of one only
      CHECK(refused > 300);
      if (algorithm == RecoveryAlgorithm::vector && history >= 16) CHECK(each.counters().lost > 1'000);
    }
  }
}

TEST_CASE("vector recovery: a burst of lost frames shorter than the history costs only those frames", "[frer]") {
  // Frames 1..8 lost on both trees (meters turned red after a host stall), then the talker goes on
  // every millisecond. With a history of 4 the jump to 9 is rogue, and so is every frame after it
  // until the reset timeout; with the whole window of 64 frame 9 passes and 8 are counted lost.
  for (const int history : {4, 64}) {
    SequenceRecoveryConfig c;
    c.history_length = history;
    c.reset_timeout = std::chrono::milliseconds(100);
    SequenceRecovery r(c, t0);
    REQUIRE(r.accept(0, at_us(0)) == RecoveryVerdict::pass);
    int passed = 0;
    for (std::uint16_t s = 9; s < 80; ++s)
      if (r.accept(s, at_us(s * 1000)) == RecoveryVerdict::pass) ++passed;
    if (history == 4) {
      CHECK(passed == 0);  // 9 .. 79: rogue, the reset timer has not run out yet
      CHECK(r.counters().rogue == 71);
    } else {
      CHECK(passed == 71);
      CHECK(r.counters().rogue == 0);
      CHECK(r.counters().lost == 8);  // 1 .. 8, tallied as they left the window
    }
  }
}
