#include <catch2/catch.hpp>
#include <vector>

#include "dataplane/core/tx_selector.hpp"

using namespace takt;

namespace {
constexpr std::int64_t kGbps = 1'000'000'000;
constexpr std::int64_t kB = 1'800'000'000'000'000'000;
constexpr TaiTime at(std::int64_t offset_ns) { return tai_ns(kB + offset_ns); }

// A simulator-style descriptor: selection works on any type with a `length`.
struct SimFrame {
  std::uint32_t length = 0;
  int id = 0;
};

// 100 B frame (no FCS): (100 + 4 + 8 + 12) B x 8 ns = 992 ns on the wire at 1 Gb/s.
constexpr std::uint32_t kLen992 = 100;

GateEngine tc7_window(std::int64_t window) {
  GateControlList l;
  l.entries = {{0x80, Nanos{window}}, {0x01, Nanos{2000 - window}}};
  l.base_time = at(0);
  l.cycle_time = Nanos{2000};
  GateEngine g;
  g.set_admin(l, at(0));
  return g;
}
}  // namespace

TEST_CASE("wire time of a descriptor follows wire.hpp", "[tx]") {
  CHECK(frame_wire_time(SimFrame{kLen992, 0}, kGbps) == Nanos{992});
  CHECK(frame_wire_time(SimFrame{60, 0}, kGbps) == Nanos{672});  // padded to the 64 B minimum
  CHECK(frame_wire_time(SimFrame{1518, 0}, kGbps) == Nanos{12336});
}

TEST_CASE("a frame that just fits its window is sent, 1 ns too long waits", "[tx]") {
  SECTION("window exactly the wire time") {
    const GateEngine g = tc7_window(992);
    PortQueues<SimFrame> q(4);
    q.enqueue(7, {kLen992, 1});
    const auto sel = select_for_transmission(q, g, kGbps, at(0));
    REQUIRE(sel.frame.has_value());
    CHECK(sel.frame->id == 1);
    CHECK(sel.traffic_class == 7);
    CHECK(sel.transmission_end == at(992));
    CHECK(q[7].counters().transmitted_frames == 1);
  }
  SECTION("starting 1 ns later it would end 1 ns after the gate closes") {
    const GateEngine g = tc7_window(992);
    PortQueues<SimFrame> q(4);
    q.enqueue(7, {kLen992, 1});
    const auto sel = select_for_transmission(q, g, kGbps, at(1));
    CHECK_FALSE(sel.frame.has_value());
    CHECK(sel.wake_at == at(2000));  // next window
    CHECK(q[7].size() == 1);
    const auto later = select_for_transmission(q, g, kGbps, sel.wake_at);
    REQUIRE(later.frame.has_value());
    CHECK(later.transmission_end == at(2992));
  }
  SECTION("window 1 ns shorter than the frame: dropped, it could never be sent") {
    const GateEngine g = tc7_window(991);
    PortQueues<SimFrame> q(4);
    q.enqueue(7, {kLen992, 1});
    q.enqueue(7, {60, 2});
    std::vector<int> dropped;
    const auto sel = select_for_transmission(q, g, kGbps, at(0), [&](const SimFrame& f, TxDropReason r) {
      CHECK(r == TxDropReason::gate_window_too_small);
      dropped.push_back(f.id);
    });
    CHECK(dropped == std::vector<int>{1});
    CHECK(q[7].counters().dropped_window_too_small == 1);
    REQUIRE(sel.frame.has_value());
    CHECK(sel.frame->id == 2);  // the queue behind it is not blocked
    CHECK(to_string(TxDropReason::gate_window_too_small) == "gate-window-too-small");
  }
}

TEST_CASE("strict priority among open gates: highest traffic class first", "[tx]") {
  const GateEngine all_open;  // no list: AdminGateStates = all open
  PortQueues<SimFrame> q(4);
  q.enqueue(0, {60, 0});
  q.enqueue(3, {60, 3});
  q.enqueue(7, {60, 7});
  q.enqueue(5, {60, 5});
  q.enqueue(7, {60, 17});
  std::vector<int> order;
  TaiTime now = at(0);
  for (;;) {
    const auto sel = select_for_transmission(q, all_open, kGbps, now);
    if (!sel.frame) {
      CHECK(sel.wake_at == kNever);  // nothing queued
      break;
    }
    order.push_back(sel.frame->id);
    CHECK(sel.transmission_end == now + Nanos{672});
    now = sel.transmission_end;
  }
  CHECK(order == std::vector<int>{7, 17, 5, 3, 0});
}

TEST_CASE("closed gates are skipped, a class that does not fit lets a lower one go", "[tx]") {
  GateControlList l;
  l.entries = {{0x29, Nanos{1000}}, {0xFF, Nanos{1000}}};  // tc0, tc3, tc5 open; then all
  l.base_time = at(0);
  l.cycle_time = Nanos{2000};
  GateEngine g;
  g.set_admin(l, at(0));
  PortQueues<SimFrame> q(4);
  q.enqueue(7, {60, 7});
  q.enqueue(5, {200, 5});  // 1792 ns on the wire
  q.enqueue(3, {60, 3});
  auto sel = select_for_transmission(q, g, kGbps, at(0));
  // tc7 is closed; tc5 is open in every entry (its gate never closes), so it goes.
  REQUIRE(sel.frame.has_value());
  CHECK(sel.frame->id == 5);

  q.enqueue(5, {200, 55});
  // At 1500 everything is open, but tc7's 672 ns would end at 2172, after its gate closes
  // at 2000: tc5 goes instead.
  sel = select_for_transmission(q, g, kGbps, at(1500));
  REQUIRE(sel.frame.has_value());
  CHECK(sel.frame->id == 55);
  // At 1200 tc7 ends at 1872 and takes precedence over tc3.
  sel = select_for_transmission(q, g, kGbps, at(1200));
  REQUIRE(sel.frame.has_value());
  CHECK(sel.frame->id == 7);
  sel = select_for_transmission(q, g, kGbps, at(1872));
  REQUIRE(sel.frame.has_value());
  CHECK(sel.frame->id == 3);

  GateControlList tight;
  tight.entries = {{0x88, Nanos{1000}}, {0x00, Nanos{1000}}};  // tc3 and tc7 for 1000 ns
  tight.base_time = at(0);
  tight.cycle_time = Nanos{2000};
  GateEngine g2;
  g2.set_admin(tight, at(0));
  PortQueues<SimFrame> q2(4);
  q2.enqueue(7, {kLen992, 7});
  q2.enqueue(3, {60, 3});
  sel = select_for_transmission(q2, g2, kGbps, at(100));
  // tc7 would end at 1092 > 1000; tc3's 672 ns frame ends at 772 and goes first.
  REQUIRE(sel.frame.has_value());
  CHECK(sel.frame->id == 3);
  sel = select_for_transmission(q2, g2, kGbps, at(772));
  CHECK_FALSE(sel.frame.has_value());
  CHECK(sel.wake_at == at(2000));
  // Everything closed: wake when a non-empty class opens.
  sel = select_for_transmission(q2, g2, kGbps, at(1500));
  CHECK_FALSE(sel.frame.has_value());
  CHECK(sel.wake_at == at(2000));
}
