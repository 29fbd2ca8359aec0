#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <vector>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/gate_engine.hpp"

using namespace takt;

namespace {
// A TAI instant around 2027, so every computation runs at real magnitudes.
constexpr std::int64_t kB = 1'800'000'000'000'000'000;
constexpr TaiTime at(std::int64_t offset_ns) { return tai_ns(kB + offset_ns); }

// tc7 | tc0 | tc1..tc6 over a 1 us cycle.
GateControlList list1(std::int64_t cycle = 1000, std::int64_t extension = 0, std::int64_t base_offset = 0) {
  GateControlList l;
  l.entries = {{0x80, Nanos{300}}, {0x01, Nanos{500}}, {0x7E, Nanos{200}}};
  l.base_time = at(base_offset);
  l.cycle_time = Nanos{cycle};
  l.cycle_time_extension = Nanos{extension};
  return l;
}

GateControlList list2(std::int64_t base_offset) {
  GateControlList l;
  l.entries = {{0x02, Nanos{400}}, {0x04, Nanos{600}}};
  l.base_time = at(base_offset);
  l.cycle_time = Nanos{1000};
  return l;
}
}  // namespace

TEST_CASE("every entry boundary: just before, at, just after", "[gate]") {
  GateEngine g;
  g.set_admin(list1(), at(-5000));
  CHECK(g.config_pending());
  CHECK(g.config_change_time() == at(0));
  CHECK(g.gate_states(at(-1)) == 0xFF);  // AdminGateStates until the list is oper
  for (std::int64_t cycle : {0, 1000, 7000}) {
    INFO("cycle start +" << cycle);
    CHECK(g.gate_states(at(cycle + 0)) == 0x80);
    CHECK(g.gate_states(at(cycle + 299)) == 0x80);
    CHECK(g.gate_states(at(cycle + 300)) == 0x01);
    CHECK(g.gate_states(at(cycle + 301)) == 0x01);
    CHECK(g.gate_states(at(cycle + 799)) == 0x01);
    CHECK(g.gate_states(at(cycle + 800)) == 0x7E);
    CHECK(g.gate_states(at(cycle + 999)) == 0x7E);
    CHECK(g.gate_states(at(cycle + 1000)) == 0x80);
  }
  CHECK(g.is_open(7, at(299)));
  CHECK_FALSE(g.is_open(7, at(300)));
}

TEST_CASE("next close, next open and next gate event", "[gate]") {
  GateEngine g;
  g.set_admin(list1(), at(-5000));
  g.advance(at(0));
  CHECK_FALSE(g.config_pending());
  CHECK(g.config_changes() == 1);
  REQUIRE(g.oper_list() != nullptr);
  CHECK(*g.oper_list() == list1());

  CHECK(g.next_close(7, at(0)) == at(300));
  CHECK(g.next_close(7, at(299)) == at(300));
  CHECK(g.next_close(7, at(300)) == at(300));  // already closed
  CHECK(g.next_open(7, at(300)) == at(1000));
  CHECK(g.next_open(7, at(1000)) == at(1000));
  CHECK(g.next_close(0, at(300)) == at(800));
  CHECK(g.next_close(3, at(850)) == at(1000));
  CHECK(g.next_open(3, at(0)) == at(800));
  CHECK(g.next_gate_event(at(0)) == at(300));
  CHECK(g.next_gate_event(at(299)) == at(300));
  CHECK(g.next_gate_event(at(300)) == at(800));
  CHECK(g.next_gate_event(at(999)) == at(1000));
  CHECK(g.longest_open_window(7) == Nanos{300});
  CHECK(g.longest_open_window(0) == Nanos{500});
  CHECK(g.longest_open_window(4) == Nanos{200});
}

TEST_CASE("a gate open in consecutive entries closes only when a later entry closes it", "[gate]") {
  GateControlList l;
  l.entries = {{0x81, Nanos{100}}, {0x80, Nanos{100}}, {0x01, Nanos{600}}, {0x80, Nanos{200}}};
  l.base_time = at(0);
  l.cycle_time = Nanos{1000};
  GateEngine g;
  g.set_admin(l, at(0));
  CHECK(g.next_close(7, at(50)) == at(200));
  CHECK(g.next_gate_event(at(50)) == at(100));
  // tc7 is open at the end of one cycle and the start of the next: one 400 ns window.
  CHECK(g.next_close(7, at(800)) == at(1200));
  CHECK(g.longest_open_window(7) == Nanos{400});
  CHECK(g.longest_open_window(0) == Nanos{600});  // entry 1 closes it between 100 and 600
}

TEST_CASE("a gate open in every entry never closes, one never opened never opens", "[gate]") {
  GateControlList l;
  l.entries = {{0x81, Nanos{500}}, {0x82, Nanos{500}}};
  l.base_time = at(0);
  l.cycle_time = Nanos{1000};
  GateEngine g;
  g.set_admin(l, at(0));
  CHECK(g.next_close(7, at(123)) == kNever);
  CHECK(g.next_open(5, at(123)) == kNever);
  CHECK(g.longest_open_window(7) == kUnboundedWindow);
  CHECK(g.longest_open_window(5) == Nanos{0});
}

TEST_CASE("cycle time shorter than the list truncates, longer holds the last entry", "[gate]") {
  SECTION("cycle 900: last entry cut to 100 ns") {
    GateEngine g;
    g.set_admin(list1(900), at(0));
    CHECK(g.gate_states(at(899)) == 0x7E);
    CHECK(g.gate_states(at(900)) == 0x80);
    CHECK(g.next_close(1, at(800)) == at(900));
    CHECK(g.longest_open_window(1) == Nanos{100});
  }
  SECTION("cycle 700: last entry never runs") {
    GateEngine g;
    g.set_admin(list1(700), at(0));
    CHECK(g.gate_states(at(699)) == 0x01);
    CHECK(g.gate_states(at(700)) == 0x80);
    CHECK(g.gate_states(at(1100)) == 0x01);
    CHECK(g.next_open(1, at(0)) == kNever);
    CHECK(g.longest_open_window(0) == Nanos{400});
  }
  SECTION("cycle 1200: last entry held for 400 ns") {
    GateEngine g;
    g.set_admin(list1(1200), at(0));
    CHECK(g.gate_states(at(1000)) == 0x7E);
    CHECK(g.gate_states(at(1199)) == 0x7E);
    CHECK(g.gate_states(at(1200)) == 0x80);
    CHECK(g.next_gate_event(at(800)) == at(1200));
    CHECK(g.longest_open_window(2) == Nanos{400});
  }
}

TEST_CASE("base time in the future: the list starts exactly at it", "[gate]") {
  GateEngine g(0x00);  // AdminGateStates all closed until then
  g.set_admin(list1(1000, 0, 2'000'000), at(0));
  CHECK(g.config_change_time() == at(2'000'000));
  CHECK(g.gate_states(at(1'999'999)) == 0x00);
  CHECK(g.gate_states(at(2'000'000)) == 0x80);
  CHECK(g.next_open(7, at(0)) == at(2'000'000));
  CHECK(g.next_gate_event(at(5)) == at(2'000'000));
  CHECK(g.config_change_error() == 0);
}

TEST_CASE("base time in the past: first base + N x cycle at or after now", "[gate]") {
  SECTION("no schedule running: no ConfigChangeError") {
    GateEngine g;
    g.set_admin(list1(1000, 0, 0), at(10'250));
    CHECK(g.config_change_time() == at(11'000));
    CHECK(g.gate_states(at(10'999)) == 0xFF);
    CHECK(g.gate_states(at(11'000)) == 0x80);
    CHECK(g.config_change_error() == 0);
  }
  SECTION("now exactly on a cycle boundary switches at once") {
    GateEngine g;
    g.set_admin(list1(1000, 0, 0), at(11'000));
    CHECK_FALSE(g.config_pending());
    CHECK(g.gate_states(at(11'000)) == 0x80);
  }
  SECTION("with a schedule running it counts a ConfigChangeError") {
    GateEngine g;
    g.set_admin(list1(), at(0));
    g.set_admin(list2(-3'000'000), at(10'250));
    CHECK(g.config_change_error() == 1);
    CHECK(g.config_change_time() == at(11'000));
    CHECK(g.gate_states(at(11'000)) == 0x02);
  }
}

TEST_CASE("config change in mid-cycle truncates the last old cycle at ConfigChangeTime", "[gate]") {
  GateEngine g;
  g.set_admin(list1(), at(0));
  g.set_admin(list2(12'500), at(10'250));
  CHECK(g.final_cycle_start() == at(12'000));
  CHECK(g.gate_states(at(11'999)) == 0x7E);  // cycle 11 runs whole
  CHECK(g.gate_states(at(12'000)) == 0x80);
  CHECK(g.gate_states(at(12'299)) == 0x80);
  CHECK(g.gate_states(at(12'300)) == 0x01);
  CHECK(g.gate_states(at(12'499)) == 0x01);  // entry 1 cut 300 ns short
  CHECK(g.gate_states(at(12'500)) == 0x02);  // new list, entry 0
  CHECK(g.gate_states(at(12'899)) == 0x02);
  CHECK(g.gate_states(at(12'900)) == 0x04);
  CHECK(g.gate_states(at(13'500)) == 0x02);  // new cycles from its own base time
  CHECK(g.next_close(0, at(12'300)) == at(12'500));
  CHECK(g.next_gate_event(at(12'300)) == at(12'500));
  CHECK(g.next_open(1, at(12'000)) == at(12'500));
  CHECK(g.next_open(2, at(12'000)) == at(12'900));
  // Both lists count for the window policy while the change is pending.
  CHECK(g.longest_open_window(2) == Nanos{600});
  CHECK(g.longest_open_window(7) == Nanos{300});

  g.advance(at(12'499));
  CHECK(g.config_pending());
  g.advance(at(12'500));
  CHECK_FALSE(g.config_pending());
  CHECK(*g.oper_list() == list2(12'500));
  CHECK(g.gate_states(at(13'000)) == 0x04);
  CHECK(g.longest_open_window(7) == Nanos{0});
}

TEST_CASE("cycle-time extension: extend when the rest is within it, else truncate", "[gate]") {
  // Old cycle 11 ends at 12'000; the new list starts 200 ns later.
  SECTION("extension 300 >= 200: cycle 11 runs 1200 ns, last entry held") {
    GateEngine g;
    g.set_admin(list1(1000, 300), at(0));
    g.set_admin(list2(12'200), at(10'100));
    CHECK(g.final_cycle_start() == at(11'000));
    CHECK(g.gate_states(at(11'999)) == 0x7E);
    CHECK(g.gate_states(at(12'000)) == 0x7E);
    CHECK(g.gate_states(at(12'199)) == 0x7E);
    CHECK(g.gate_states(at(12'200)) == 0x02);
    CHECK(g.next_close(3, at(11'800)) == at(12'200));
    CHECK(g.next_gate_event(at(11'800)) == at(12'200));
  }
  SECTION("extension exactly 200: still extended") {
    GateEngine g;
    g.set_admin(list1(1000, 200), at(0));
    g.set_admin(list2(12'200), at(10'100));
    CHECK(g.final_cycle_start() == at(11'000));
    CHECK(g.gate_states(at(12'000)) == 0x7E);
  }
  SECTION("extension 199 < 200: a 200 ns truncated cycle 12 runs instead") {
    GateEngine g;
    g.set_admin(list1(1000, 199), at(0));
    g.set_admin(list2(12'200), at(10'100));
    CHECK(g.final_cycle_start() == at(12'000));
    CHECK(g.gate_states(at(11'999)) == 0x7E);
    CHECK(g.gate_states(at(12'000)) == 0x80);
    CHECK(g.gate_states(at(12'199)) == 0x80);
    CHECK(g.gate_states(at(12'200)) == 0x02);
    CHECK(g.next_close(7, at(12'000)) == at(12'200));
  }
  SECTION("a cycle already running cannot be extended retroactively") {
    GateEngine g;
    g.set_admin(list1(1000, 300), at(0));
    g.set_admin(list2(12'200), at(12'050));  // cycle 12 began before the admin list arrived
    CHECK(g.final_cycle_start() == at(12'000));
    CHECK(g.gate_states(at(12'100)) == 0x80);
    CHECK(g.gate_states(at(12'200)) == 0x02);
  }
}

TEST_CASE("an empty list opens every gate: GateEnabled = false behaviour", "[gate]") {
  GateEngine g(0x00);
  GateControlList empty;
  empty.base_time = at(5000);
  g.set_admin(list1(), at(0));
  g.set_admin(empty, at(100));
  CHECK(g.gate_states(at(4999)) == 0x7E);
  CHECK(g.gate_states(at(5000)) == 0xFF);
  CHECK(g.next_close(0, at(4500)) == at(4800));
  CHECK(g.next_close(7, at(5000)) == kNever);
  CHECK(g.next_gate_event(at(5000)) == kNever);
  CHECK(g.next_gate_event(at(4900)) == at(5000));
  CHECK(g.longest_open_window(1) == kUnboundedWindow);

  GateEngine fresh(0x00);
  GateControlList past_empty;  // base time 0: long past, takes effect immediately
  fresh.set_admin(past_empty, at(0));
  CHECK_FALSE(fresh.config_pending());
  CHECK(fresh.gate_states(at(0)) == 0xFF);
}

TEST_CASE("replacing a pending admin list recomputes ConfigChangeTime", "[gate]") {
  GateEngine g;
  g.set_admin(list1(), at(0));
  g.set_admin(list2(1'000'000'000), at(100));
  CHECK(g.config_change_time() == at(1'000'000'000));
  g.set_admin(list2(3'000), at(200));
  CHECK(g.config_change_time() == at(3'000));
  CHECK(*g.admin_list() == list2(3'000));
  CHECK(g.gate_states(at(3'000)) == 0x02);
  CHECK(g.gate_states(at(1'000'000'000 - 1)) == 0x04);
}

TEST_CASE("queries stay cheap when ConfigChangeTime is far away", "[gate]") {
  GateControlList always7;
  always7.entries = {{0x81, Nanos{500}}, {0x80, Nanos{500}}};
  always7.base_time = at(0);
  always7.cycle_time = Nanos{1000};
  GateControlList closed7;
  closed7.entries = {{0x01, Nanos{1000}}};
  closed7.base_time = at(3'600'000'000'000);  // one hour: 3.6e9 cycles away
  closed7.cycle_time = Nanos{1000};
  GateEngine g;
  g.set_admin(always7, at(0));
  g.set_admin(closed7, at(10));
  CHECK(g.next_close(7, at(10)) == at(3'600'000'000'000));
  CHECK(g.next_open(7, at(3'600'000'000'000)) == kNever);
}

TEST_CASE("invalid gate control lists are rejected with the offending field", "[gate]") {
  GateEngine g;
  auto no_cycle = list1(0);
  CHECK_THROWS_WITH(g.set_admin(no_cycle, at(0)), Catch::Contains("cycle time 0 ns") && Catch::Contains("1000 ns"));
  auto zero_interval = list1();
  zero_interval.entries[1].time_interval = Nanos{0};
  CHECK_THROWS_WITH(g.set_admin(zero_interval, at(0)), Catch::Contains("gate control entry 1"));
  auto negative_ext = list1(1000, -1);
  CHECK_THROWS_AS(g.set_admin(negative_ext, at(0)), ConfigError);
  CHECK_FALSE(g.config_pending());
  CHECK(g.oper_list() == nullptr);
}

// Reference: the 802.1Qbv machines stepped cycle by cycle, for random small schedules, and
// every answer of the engine checked against a nanosecond-by-nanosecond scan.
namespace {
struct RefModel {
  GateControlList oper;
  bool has_oper = false;
  GateControlList admin;
  std::int64_t set_at = 0;
  std::int64_t change = 0;
  std::uint8_t initial = 0xFF;

  static std::uint8_t list_state(const GateControlList& l, std::int64_t offset_in_cycle) {
    if (l.entries.empty()) return 0xFF;
    std::int64_t acc = 0;
    for (const auto& e : l.entries) {
      acc += e.time_interval.count();
      if (offset_in_cycle < acc) return e.gate_states;
    }
    return l.entries.back().gate_states;  // held until the cycle ends
  }
  static std::uint8_t periodic(const GateControlList& l, std::int64_t t) {
    if (l.entries.empty()) return 0xFF;
    const std::int64_t b = ns_of(l.base_time), c = l.cycle_time.count();
    return list_state(l, t - (b + floor_div(t - b, c) * c));
  }
  std::uint8_t at(std::int64_t t) const {
    if (t >= change) return periodic(admin, t);
    if (!has_oper) return initial;
    if (oper.entries.empty()) return 0xFF;
    // Step cycles from the one running when the admin list was written.
    const std::int64_t b = ns_of(oper.base_time), c = oper.cycle_time.count(), x = oper.cycle_time_extension.count();
    std::int64_t s = b + floor_div(set_at - b, c) * c;
    while (!(change <= s + c + x)) {
      if (t < s + c) return list_state(oper, t - s);
      s += c;
    }
    return list_state(oper, t - s);  // last cycle: truncated or extended to `change`
  }
};

GateControlList random_list(std::mt19937_64& rng, std::int64_t base) {
  GateControlList l;
  const int n = static_cast<int>(rng() % 4);
  std::int64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    const auto states = static_cast<std::uint8_t>(rng() % 4);  // tc0 and tc1 only: many corner cases
    const std::int64_t interval = 1 + static_cast<std::int64_t>(rng() % 12);
    l.entries.push_back({states, Nanos{interval}});
    sum += interval;
  }
  l.cycle_time = Nanos{n == 0 ? 0 : std::max<std::int64_t>(1, sum + static_cast<std::int64_t>(rng() % 9) - 4)};
  l.cycle_time_extension = Nanos{static_cast<std::int64_t>(rng() % 30)};
  l.base_time = tai_ns(base);
  return l;
}
}  // namespace

TEST_CASE("engine matches a cycle-stepping reference on random schedules", "[gate][property]") {
  std::mt19937_64 rng(802'1);
  for (int iter = 0; iter < 3000; ++iter) {
    const std::int64_t origin = kB + static_cast<std::int64_t>(rng() % 1000);
    RefModel ref;
    ref.initial = static_cast<std::uint8_t>(rng() % 4);
    GateEngine g(ref.initial);
    const bool with_oper = rng() % 4 != 0;
    std::int64_t now = origin;
    if (with_oper) {
      ref.oper = random_list(rng, origin - static_cast<std::int64_t>(rng() % 50));
      g.set_admin(ref.oper, tai_ns(now));
      g.advance(tai_ns(now));
      // The list may start later than `now` when its base time is in the past.
      if (g.config_pending()) now = ns_of(g.config_change_time());
      g.advance(tai_ns(now));
      ref.has_oper = true;
      now += static_cast<std::int64_t>(rng() % 60);
    }
    ref.admin = random_list(rng, now + static_cast<std::int64_t>(rng() % 80) - 40);
    ref.set_at = now;
    g.set_admin(ref.admin, tai_ns(now));
    ref.change = g.config_pending() ? ns_of(g.config_change_time()) : now;
    if (ns_of(ref.admin.base_time) >= now) REQUIRE(ref.change == ns_of(ref.admin.base_time));
    REQUIRE(ref.change >= now);

    const std::int64_t horizon = ref.change + 200;
    std::vector<std::uint8_t> states;
    for (std::int64_t t = now; t <= horizon + 200; ++t) states.push_back(ref.at(t));
    auto st = [&](std::int64_t t) { return states[static_cast<std::size_t>(t - now)]; };
    for (std::int64_t t = now; t <= horizon; t += 1 + static_cast<std::int64_t>(rng() % 3)) {
      INFO("iter " << iter << " t=" << t - now << " change=" << ref.change - now);
      REQUIRE(g.gate_states(tai_ns(t)) == st(t));
      for (int tc = 0; tc < 2; ++tc) {
        const unsigned bit = 1U << tc;
        std::int64_t close = -1, open = -1;
        for (std::int64_t u = t; u <= horizon + 200 && (close < 0 || open < 0); ++u) {
          if (close < 0 && (st(u) & bit) == 0) close = u;
          if (open < 0 && (st(u) & bit) != 0) open = u;
        }
        const TaiTime got_close = g.next_close(tc, tai_ns(t));
        const TaiTime got_open = g.next_open(tc, tai_ns(t));
        if (close >= 0)
          REQUIRE(got_close == tai_ns(close));
        else
          REQUIRE(got_close == kNever);
        if (open >= 0)
          REQUIRE(got_open == tai_ns(open));
        else
          REQUIRE(got_open == kNever);
      }
      std::int64_t event = -1;
      for (std::int64_t u = t + 1; u <= horizon + 200; ++u)
        if ((st(u) & 3U) != (st(t) & 3U) || st(u) != st(t)) {
          event = u;
          break;
        }
      const TaiTime got_event = g.next_gate_event(tai_ns(t));
      if (event >= 0)
        REQUIRE(got_event == tai_ns(event));
      else
        REQUIRE(got_event == kNever);
    }
  }
}

TEST_CASE("the cycle divider's multiplication equals floor division, at every edge", "[gate][property]") {
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> cycles = {1,
                                      2,
                                      3,
                                      7,
                                      1000,
                                      999'999,
                                      1'000'000,
                                      1'000'001,
                                      31'250'000,
                                      1'000'000'000,
                                      (std::int64_t{1} << 40) + 1,
                                      std::numeric_limits<std::int64_t>::max()};
  for (int i = 0; i < 200; ++i)
    cycles.push_back(std::uniform_int_distribution<std::int64_t>(2, std::int64_t{1} << (2 + i % 60))(rng));
  const std::int64_t top = std::numeric_limits<std::int64_t>::max();
  int checked = 0;
  for (const std::int64_t c : cycles) {
    const CycleDivider d(c);
    std::vector<std::int64_t> xs = {0, 1, c - 1, c, c + 1, top, top - 1, kB, -1, -c, -c - 1};
    // Around multiples of the cycle, small and as large as TAI times get.
    for (const std::int64_t k : {std::int64_t{1}, std::int64_t{2}, std::int64_t{1000}, kB / c, top / c, top / c - 1})
      if (k > 0 && k <= top / c)
        for (const std::int64_t delta : {std::int64_t{-1}, std::int64_t{0}, std::int64_t{1}})
          if (k * c + delta >= 0 && (delta <= 0 || k * c <= top - delta)) xs.push_back(k * c + delta);
    for (int i = 0; i < 200; ++i) xs.push_back(std::uniform_int_distribution<std::int64_t>(0, top)(rng));
    for (const std::int64_t x : xs) {
      INFO("x " << x << " cycle " << c);
      REQUIRE(d.floor_div(x) == floor_div(x, c));
      ++checked;
    }
  }
  CHECK(checked > 40'000);
}
