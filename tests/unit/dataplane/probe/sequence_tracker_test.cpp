#include <catch2/catch.hpp>

#include "dataplane/probe/sequence_tracker.hpp"

using namespace takt::probe;

namespace {

void feed(SequenceTracker& t, std::initializer_list<std::uint64_t> seqs, std::uint32_t session = 1) {
  for (auto s : seqs) t.observe(session, s);
}

}  // namespace

TEST_CASE("in-order frames are received with nothing lost", "[probe][sequence]") {
  SequenceTracker t(64);
  CHECK(t.observe(1, 10).arrival == Arrival::first);  // a listener may start mid-stream
  for (std::uint64_t s = 11; s < 1000; ++s) CHECK(t.observe(1, s).arrival == Arrival::in_order);
  CHECK(t.counts().received == 990);
  CHECK(t.counts().lost == 0);
  CHECK(t.counts().reordered == 0);
  CHECK(t.counts().duplicated == 0);
  CHECK(t.flush() == 0);
}

TEST_CASE("a gap is pending until the frame arrives late or leaves the window", "[probe][sequence]") {
  SequenceTracker t(64);
  feed(t, {0, 1, 2});
  CHECK(t.observe(1, 5).arrival == Arrival::after_gap);
  CHECK(t.pending() == 2);
  CHECK(t.counts().lost == 0);
  CHECK(t.observe(1, 3).arrival == Arrival::late);
  CHECK(t.counts().reordered == 1);
  CHECK(t.pending() == 1);
  // 4 never comes: it is lost exactly when 4 + 64 arrives and pushes it out of the window.
  for (std::uint64_t s = 6; s < 68; ++s) CHECK(t.observe(1, s).newly_lost == 0);
  const auto r = t.observe(1, 68);
  CHECK(r.newly_lost == 1);
  CHECK(t.counts().lost == 1);
  CHECK(t.pending() == 0);
  CHECK(t.counts().received == 68);  // 0..68 except 4
}

TEST_CASE("duplicates are counted once and do not count as received", "[probe][sequence]") {
  SequenceTracker t(64);
  feed(t, {0, 1, 2, 2, 1});
  CHECK(t.counts().received == 3);
  CHECK(t.counts().duplicated == 2);
  CHECK(t.observe(1, 0).arrival == Arrival::duplicate);
  CHECK(t.counts().reordered == 0);
}

TEST_CASE("a jump beyond the window declares the skipped frames lost at once", "[probe][sequence]") {
  SequenceTracker t(64);
  feed(t, {0, 1, 3});  // 2 pending
  const auto r = t.observe(1, 1003);
  CHECK(r.arrival == Arrival::after_gap);
  // Pending 2 plus 4..939 (below the new window 940..1003) are lost; 940..1002 stay pending.
  CHECK(r.newly_lost == 1 + (939 - 4 + 1));
  CHECK(t.pending() == 63);
  CHECK(t.observe(1, 1000).arrival == Arrival::late);
  CHECK(t.flush() == 62);
  CHECK(t.counts().lost == 1 + 936 + 62);
  CHECK(t.counts().received == 5);
  // received + lost = every number from the first to the newest
  CHECK(t.counts().received + t.counts().lost == 1004);
}

TEST_CASE("frames older than the window or the last flush are stale", "[probe][sequence]") {
  SequenceTracker t(64);
  feed(t, {0, 2});
  CHECK(t.flush() == 1);
  CHECK(t.observe(1, 1).arrival == Arrival::stale);  // already declared lost
  CHECK(t.counts().lost == 1);
  CHECK(t.counts().received == 3);
  CHECK(t.counts().reordered == 1);
  feed(t, {200});
  CHECK(t.observe(1, 100).arrival == Arrival::stale);
}

TEST_CASE("a new talker session flushes the old one and starts over", "[probe][sequence]") {
  SequenceTracker t(64);
  feed(t, {0, 1, 2, 4, 5}, 7);
  const auto r = t.observe(8, 0);
  CHECK(r.arrival == Arrival::first);
  CHECK(r.newly_lost == 1);  // 3 of session 7
  feed(t, {1, 2, 3}, 8);
  CHECK(t.counts().received == 9);
  CHECK(t.counts().duplicated == 0);
  CHECK(t.counts().sessions == 2);
}

TEST_CASE("the reorder window must be a power of two of at least 64", "[probe][sequence]") {
  CHECK_THROWS_AS(SequenceTracker(100), std::invalid_argument);
  CHECK_THROWS_AS(SequenceTracker(32), std::invalid_argument);
  CHECK_NOTHROW(SequenceTracker(4096));
}

TEST_CASE("random loss, duplication and local reordering keep the books balanced", "[probe][sequence]") {
  SequenceTracker t(256);
  std::uint64_t state = 12345;
  auto rnd = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::uint64_t lost = 0, duplicated = 0, swapped = 0;
  feed(t, {0});  // the first frame defines where counting starts
  std::uint64_t s = 1;
  const std::uint64_t n = 100'000;
  while (s < n) {
    const auto r = rnd() % 100;
    if (r < 2 && s + 1 < n) {  // drop s
      ++lost;
      ++s;
    } else if (r < 4 && s + 1 < n) {  // swap s and s+1
      feed(t, {s + 1, s});
      ++swapped;
      s += 2;
    } else if (r < 5) {  // duplicate s
      feed(t, {s, s});
      ++duplicated;
      ++s;
    } else {
      feed(t, {s});
      ++s;
    }
  }
  t.flush();
  CHECK(t.counts().lost == lost);
  CHECK(t.counts().duplicated == duplicated);
  CHECK(t.counts().reordered == swapped);
  CHECK(t.counts().received + t.counts().lost == n);
}
