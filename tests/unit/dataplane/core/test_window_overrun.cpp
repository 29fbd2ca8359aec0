#include <catch2/catch.hpp>

#include <random>

#include "dataplane/core/window_overrun.hpp"

using namespace takt;

namespace {
constexpr std::int64_t kB = 1'800'000'000'000'000'000;
constexpr TaiTime at(std::int64_t offset_ns) { return tai_ns(kB + offset_ns); }

// tc 7 open [0, 300) of every 1000 ns cycle; the other classes in the rest.
GateEngine engine() {
  GateControlList l;
  l.entries = {{0x80, Nanos{300}}, {0x7F, Nanos{700}}};
  l.base_time = at(0);
  l.cycle_time = Nanos{1000};
  GateEngine g;
  g.set_admin(l, at(-10'000));
  g.advance(at(0));
  return g;
}

// engine() with a change to another list pending: windows of both and the last, truncated cycle
// between them.
GateEngine engine_changing_list() {
  GateEngine g = engine();
  GateControlList next;
  next.entries = {{0x7F, Nanos{250}}, {0x80, Nanos{500}}, {0xFF, Nanos{50}}};
  next.base_time = at(20'000);
  next.cycle_time = Nanos{800};
  g.set_admin(next, at(100));
  return g;
}
}  // namespace

TEST_CASE("a frame sent in the opening it was ready for is not held past it", "[overrun]") {
  const GateEngine g = engine();
  const Nanos wire{100};
  CHECK_FALSE(held_past_window(g, 7, at(10), at(10), wire));
  CHECK_FALSE(held_past_window(g, 7, at(10), at(200), wire));  // the latest start that fits
  CHECK_FALSE(held_past_window(g, 7, at(-400), at(0), wire));  // ready before the gate opened
  CHECK_FALSE(held_past_window(g, 7, at(-400), at(150), wire));
}

TEST_CASE("a frame that fitted but started after the latest start is held past the window", "[overrun]") {
  const GateEngine g = engine();
  const Nanos wire{100};
  CHECK(held_past_window(g, 7, at(10), at(201), wire));     // one ns too late for this opening
  CHECK(held_past_window(g, 7, at(10), at(1000), wire));    // sent in the next cycle's opening
  CHECK(held_past_window(g, 7, at(-400), at(1000), wire));  // ready before, whole window missed
  CHECK(held_past_window(g, 7, at(150), at(5000), wire));   // several cycles later
}

TEST_CASE("a frame ready too late to fit waits for the next opening by design", "[overrun]") {
  const GateEngine g = engine();
  const Nanos wire{100};
  // Ready at 250: only 50 ns left, it cannot fit; the next opening is at 1000.
  CHECK_FALSE(held_past_window(g, 7, at(250), at(1000), wire));
  CHECK_FALSE(held_past_window(g, 7, at(250), at(1200), wire));
  CHECK(held_past_window(g, 7, at(250), at(1201), wire));  // and then missed that one too
  // Ready while closed, after the window: the next opening is the one.
  CHECK_FALSE(held_past_window(g, 7, at(500), at(1000), wire));
  CHECK(held_past_window(g, 7, at(500), at(2000), wire));
}

TEST_CASE("without a closing gate nothing is held past a window", "[overrun]") {
  GateEngine open;  // every gate open, no list
  CHECK_FALSE(held_past_window(open, 7, at(0), at(1'000'000), Nanos{100}));
  const GateEngine g = engine();
  // tc 0 is open [300, 1000): held past it when sent after 900.
  CHECK_FALSE(held_past_window(g, 0, at(300), at(900), Nanos{100}));
  CHECK(held_past_window(g, 0, at(300), at(901), Nanos{100}));
}

TEST_CASE("the remembering check answers exactly as held_past_window", "[overrun]") {
  // A running list and a pending change to another cycle, so windows of both and the last
  // truncated cycle between them are crossed; frames mostly ready in rising order as a port's are.
  GateEngine g = engine_changing_list();
  GateEngine open;
  std::mt19937_64 rng(13);
  for (const GateEngine* engine : {&g, &open}) {
    for (int tc : {0, 7}) {
      WindowOverrunCheck check;
      std::int64_t ready = 0;
      int held = 0;
      for (int i = 0; i < 20'000; ++i) {
        ready += static_cast<std::int64_t>(rng() % 40) - (rng() % 16 == 0 ? 300 : 0);
        ready = std::max<std::int64_t>(ready, 100);
        const std::int64_t start = ready + static_cast<std::int64_t>(rng() % 2500);
        const Nanos wire{static_cast<std::int64_t>(rng() % 400)};
        const bool expected = held_past_window(*engine, tc, at(ready), at(start), wire);
        INFO("tc " << tc << " ready " << ready << " start " << start << " wire " << wire.count());
        REQUIRE(check(*engine, tc, at(ready), at(start), wire) == expected);
        held += expected ? 1 : 0;
      }
      if (engine == &g) CHECK(held > 1000);  // the case the memo must not hide is exercised
    }
  }
}

TEST_CASE("for one ready time and wire time, held past a window is monotone in the start time", "[overrun]") {
  // What lets the packet path ask only the last frame of a group queued together and sent back
  // to back: if it was not held past its window, none before it was.
  GateEngine g = engine_changing_list();
  std::mt19937_64 rng(29);
  int changes = 0;
  for (int tc : {0, 7}) {
    for (int i = 0; i < 3'000; ++i) {
      const std::int64_t ready = 100 + static_cast<std::int64_t>(rng() % 25'000);
      const Nanos wire{static_cast<std::int64_t>(rng() % 400)};
      bool before = false;
      for (std::int64_t start = ready; start < ready + 3'000; start += 7) {
        const bool held = held_past_window(g, tc, at(ready), at(start), wire);
        INFO("tc " << tc << " ready " << ready << " start " << start << " wire " << wire.count());
        REQUIRE((held || !before));
        changes += held != before ? 1 : 0;
        before = held;
      }
    }
  }
  CHECK(changes > 1'000);  // most groups of starts cross from not held to held
}
