// select_batch_for_transmission against the per-frame selector it must equal, at gate
// boundaries and over random schedules, queues and limits.
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "dataplane/core/tx_selector.hpp"

using namespace takt;

namespace {
constexpr std::int64_t kGbps = 1'000'000'000;
constexpr std::int64_t kB = 1'800'000'000'000'000'000;
constexpr TaiTime at(std::int64_t offset_ns) { return tai_ns(kB + offset_ns); }

struct SimFrame {
  std::uint32_t length = 0;
  int id = 0;
};

struct Sent {
  int id;
  TaiTime start;
  int tc;
  friend bool operator==(const Sent&, const Sent&) = default;
};

struct Outcome {
  std::vector<Sent> sent;
  std::vector<int> dropped;
  std::uint64_t bytes = 0;  // of the frames sent
  TaiTime link_free_at{};
  TaiTime wake_at = kNever;
};

// What the forwarder did before batches: one select_for_transmission per frame.
Outcome per_frame(PortQueues<SimFrame>& q, const GateEngine& g, std::int64_t rate, TaiTime now, TaiTime last_start,
                  std::size_t max_frames) {
  Outcome o;
  TaiTime t = now;
  while (o.sent.size() < max_frames && t <= last_start) {
    const auto sel =
        select_for_transmission(q, g, rate, t, [&](const SimFrame& f, TxDropReason) { o.dropped.push_back(f.id); });
    if (!sel.frame) {
      o.wake_at = sel.wake_at;
      break;
    }
    o.sent.push_back({sel.frame->id, t, sel.traffic_class});
    o.bytes += sel.frame->length;
    t = sel.transmission_end;
  }
  o.link_free_at = t;
  return o;
}

Outcome batch(PortQueues<SimFrame>& q, const GateEngine& g, std::int64_t rate, TaiTime now, TaiTime last_start,
              std::size_t max_frames) {
  Outcome o;
  std::vector<TxSlot<SimFrame>> slots(max_frames);
  const TxBatch b = select_batch_for_transmission(q, g, WireTimer(rate), now, last_start, std::span(slots),
                                                  [&](const SimFrame& f, TxDropReason) { o.dropped.push_back(f.id); });
  for (std::size_t i = 0; i < b.count; ++i)
    o.sent.push_back({slots[i].frame.id, slots[i].start, static_cast<int>(slots[i].traffic_class)});
  o.bytes = b.bytes;
  o.link_free_at = b.link_free_at;
  o.wake_at = b.wake_at;
  return o;
}

GateEngine engine(std::vector<GateControlEntry> entries, std::int64_t cycle) {
  GateControlList l;
  l.entries = std::move(entries);
  l.base_time = at(0);
  l.cycle_time = Nanos{cycle};
  GateEngine g(0);
  g.set_admin(l, at(0));
  return g;
}

std::vector<int> ids(const Outcome& o) {
  std::vector<int> v;
  for (const auto& s : o.sent) v.push_back(s.id);
  return v;
}
}  // namespace

TEST_CASE("gate_span gives the states and when they may next change", "[tx][batch]") {
  const GateEngine g = engine({{0x80, Nanos{1000}}, {0x01, Nanos{500}}}, 1500);
  CHECK(g.gate_span(at(0)).states == 0x80);
  CHECK(g.gate_span(at(0)).end == at(1000));
  CHECK(g.gate_span(at(999)).end == at(1000));
  CHECK(g.gate_span(at(1000)).states == 0x01);
  CHECK(g.gate_span(at(1000)).end == at(1500));
  CHECK(g.gate_span(at(1500)).states == 0x80);
  const GateEngine open;
  CHECK(open.gate_span(at(0)).states == kAllGatesOpen);
  CHECK(open.gate_span(at(0)).end == kNever);
}

TEST_CASE("a batch fills a window back to back and stops at the frame that would end after the close", "[tx][batch]") {
  // tc 7 open [0, 2016): exactly three 672 ns frames; tc 0 open the rest of the 4000 ns cycle.
  const GateEngine g = engine({{0x80, Nanos{2016}}, {0x01, Nanos{1984}}}, 4000);
  PortQueues<SimFrame> q(16);
  for (int i = 0; i < 5; ++i) q.enqueue(7, {60, 70 + i});
  for (int i = 0; i < 2; ++i) q.enqueue(0, {60, i});
  std::vector<TxSlot<SimFrame>> slots(16);
  const TxBatch b = select_batch_for_transmission(q, g, WireTimer(kGbps), at(0), at(100'000), std::span(slots));
  // 3 of tc 7 up to the close at 2016 (the third ends exactly there), then tc 0 from 2016.
  REQUIRE(b.count == 5);
  CHECK(slots[0].frame.id == 70);
  CHECK(slots[2].frame.id == 72);
  CHECK(slots[2].start == at(1344));
  CHECK(slots[3].frame.id == 0);
  CHECK(slots[3].traffic_class == 0);
  CHECK(slots[3].start == at(2016));
  CHECK(slots[4].start == at(2688));
  CHECK(b.link_free_at == at(3360));
  // tc 7 still waits (its gate opens at 4000); tc 0 is empty.
  CHECK(b.wake_at == at(4000));
  CHECK(q[7].size() == 2);
  CHECK(q[7].counters().transmitted_frames == 3);
  CHECK(q[7].counters().transmitted_bytes == 180);
}

TEST_CASE("a batch started 1 ns late leaves the frame that no longer fits", "[tx][batch]") {
  const GateEngine g = engine({{0x80, Nanos{2016}}, {0x00, Nanos{1984}}}, 4000);
  PortQueues<SimFrame> q(16);
  for (int i = 0; i < 3; ++i) q.enqueue(7, {60, i});
  std::vector<TxSlot<SimFrame>> slots(16);
  const TxBatch b = select_batch_for_transmission(q, g, WireTimer(kGbps), at(1), at(100'000), std::span(slots));
  CHECK(b.count == 2);  // the third would end at 2017, 1 ns after the close
  CHECK(b.link_free_at == at(1345));
  CHECK(b.wake_at == at(4000));
}

TEST_CASE("a higher class whose gate opens during a batch goes first from its opening", "[tx][batch]") {
  // tc 0 open throughout; tc 7 open [1000, 2500).
  const GateEngine g = engine({{0x01, Nanos{1000}}, {0x81, Nanos{1500}}}, 2500);
  PortQueues<SimFrame> q(16);
  for (int i = 0; i < 4; ++i) q.enqueue(0, {60, i});
  q.enqueue(7, {60, 70});
  std::vector<TxSlot<SimFrame>> slots(16);
  const TxBatch b = select_batch_for_transmission(q, g, WireTimer(kGbps), at(0), at(100'000), std::span(slots));
  REQUIRE(b.count == 5);
  // 0 at 0, 1 at 672; at 1344 tc 7 is open and takes precedence.
  CHECK(slots[2].frame.id == 70);
  CHECK(slots[2].start == at(1344));
  CHECK(slots[3].frame.id == 2);
  CHECK(b.wake_at == kNever);  // every queue empty
}

TEST_CASE("batch limits: slots and last start time", "[tx][batch]") {
  const GateEngine open;
  PortQueues<SimFrame> q(16);
  for (int i = 0; i < 10; ++i) q.enqueue(3, {60, i});
  std::vector<TxSlot<SimFrame>> slots(4);
  TxBatch b = select_batch_for_transmission(q, open, WireTimer(kGbps), at(0), at(100'000), std::span(slots));
  CHECK(b.count == 4);
  CHECK(b.wake_at == kNever);
  CHECK(b.link_free_at == at(4 * 672));
  // A frame may start at last_start itself, not after it.
  b = select_batch_for_transmission(q, open, WireTimer(kGbps), at(0), at(672), std::span(slots));
  CHECK(b.count == 2);
  b = select_batch_for_transmission(q, open, WireTimer(kGbps), at(10), at(5), std::span(slots));
  CHECK(b.count == 0);
  CHECK(b.link_free_at == at(10));
  CHECK(q[3].size() == 4);
}

TEST_CASE("batch selection equals per-frame selection on random schedules, queues and limits", "[tx][batch]") {
  std::mt19937_64 rng(20260514);
  auto uni = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  int compared = 0, with_drops = 0, with_wake = 0, multi_class = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::int64_t rate = uni(0, 2) == 0 ? 100'000'000 : (uni(0, 1) ? kGbps : 10 * kGbps);
    GateControlList l;
    const int entries = static_cast<int>(uni(1, 6));
    for (int e = 0; e < entries; ++e)
      l.entries.push_back({static_cast<std::uint8_t>(uni(0, 255)), Nanos{uni(200, 6000)}});
    l.base_time = at(uni(-5000, 5000));
    l.cycle_time = sum_of_intervals(l) + Nanos{uni(0, 2) == 0 ? -uni(0, 150) : uni(0, 2000)};
    l.cycle_time_extension = Nanos{uni(0, 3000)};
    GateEngine g(static_cast<std::uint8_t>(uni(0, 255)));
    const TaiTime written = at(-10'000);
    g.set_admin(l, written);
    if (uni(0, 3) == 0) {  // a pending change: extension or truncation of the running cycle
      GateControlList next = l;
      for (auto& e : next.entries) e.gate_states = static_cast<std::uint8_t>(uni(0, 255));
      next.base_time = at(uni(5000, 40'000));
      g.set_admin(next, at(-9000));
    }

    PortQueues<SimFrame> a(8);
    int id = 0;
    for (int tc = 0; tc < kTrafficClasses; ++tc) {
      // Rings that wrap: the batch reads runs of frames in place across the ring's end.
      for (int f = static_cast<int>(uni(0, 7)); f > 0; --f) {
        a.enqueue(static_cast<std::uint8_t>(tc), {64, -1});
        a[static_cast<std::size_t>(tc)].pop();
      }
      const int frames = static_cast<int>(uni(0, 5));
      const auto common = static_cast<std::uint32_t>(uni(40, 1518));  // runs of equal lengths, as on a link
      for (int f = 0; f < frames; ++f) {
        const std::int64_t pick = uni(0, 9);
        const auto len = static_cast<std::uint32_t>(pick == 0 ? uni(2000, 9000) : pick < 5 ? common : uni(40, 1518));
        a.enqueue(static_cast<std::uint8_t>(tc), {len, id++});
      }
    }
    PortQueues<SimFrame> b = a;
    const TaiTime now = at(uni(0, 30'000));
    const TaiTime last_start = now + Nanos{uni(0, 60'000)};
    const auto max_frames = static_cast<std::size_t>(uni(1, 40));

    const Outcome expected = per_frame(a, g, rate, now, last_start, max_frames);
    const Outcome actual = batch(b, g, rate, now, last_start, max_frames);
    INFO("round " << round);
    REQUIRE(ids(actual) == ids(expected));
    REQUIRE(actual.sent == expected.sent);
    REQUIRE(actual.bytes == expected.bytes);
    REQUIRE(actual.link_free_at == expected.link_free_at);
    REQUIRE(actual.wake_at == expected.wake_at);
    REQUIRE(actual.dropped == expected.dropped);
    for (std::size_t tc = 0; tc < kTrafficClasses; ++tc) {
      REQUIRE(a[tc].size() == b[tc].size());
      REQUIRE(a[tc].counters().transmitted_frames == b[tc].counters().transmitted_frames);
      REQUIRE(a[tc].counters().transmitted_bytes == b[tc].counters().transmitted_bytes);
      REQUIRE(a[tc].counters().dropped_window_too_small == b[tc].counters().dropped_window_too_small);
    }
    ++compared;
    with_drops += !expected.dropped.empty();
    with_wake += expected.wake_at != kNever;
    bool several = false;
    for (const auto& s : expected.sent) several = several || s.tc != expected.sent.front().tc;
    multi_class += several;
  }
  // The random cases reach every branch worth comparing.
  CHECK(compared == 3000);
  CHECK(with_drops > 100);
  CHECK(with_wake > 100);
  CHECK(multi_class > 100);
}
