// Latency bounds of streams without windows: textbook cases computed by hand, and admission.
#include <catch2/catch.hpp>

#include "control/analysis/latency_bounds.hpp"
#include "control/schedule/planner.hpp"
#include "tests/support/plant_builder.hpp"

using namespace takt;
using takt::test::PlantBuilder;

namespace {

model::Stream& bounded(PlantBuilder& b, const std::string& name, const std::string& talker, const std::string& listener,
                       Nanos interval, std::int64_t size, Nanos max_latency) {
  auto& s = b.stream(name, talker, {listener}, interval, size, max_latency);
  s.traffic_class = model::TrafficClassKind::bounded;
  s.pcp = 4;
  return s;
}

// talker a -> bridge sw -> listener b, 100 Mb/s, no scheduled traffic.
PlantBuilder line_100m() {
  PlantBuilder b("line");
  b.station("a").bridge("sw").station("b");
  b.link("a", "sw", 100'000'000).link("sw", "b", 100'000'000);
  return b;
}

}  // namespace

TEST_CASE("one bounded frame over two hops: blocking, own transmission, burst growth, processing") {
  auto b = line_100m();
  bounded(b, "alarm", "a", "b", Nanos{1'000'000}, 100, Nanos{1'000'000});
  const auto outcome = schedule::plan_plant(b.build());
  REQUIRE(outcome.plan);
  REQUIRE(outcome.bounds);
  // Frame: 100 B payload + 14 header + 4 tag + 4 FCS + 8 preamble + 12 gap = 142 B = 1136 bit.
  // Lower-priority blocking: one 1500 B frame = 1542 B = 12,336 bit = 123,360 ns at 100 Mb/s.
  // Hop a:p1: 123,360 + 1136 bit / 100 Mb/s (11,360) = 134,720 ns.
  // Rate 1136 bit / 1 ms = 1,136,000 b/s. Spread into hop 2: 134,720 + bridge processing
  // max - min (1000) = 135,720 ns, adding ceil(1,136,000 * 135,720e-9) = 155 bit of burst.
  // Hop sw:p2: 123,360 + 1291 bit / 100 Mb/s (12,910) = 136,270 ns.
  // End to end: 134,720 + processing max 2000 + 136,270 = 272,990 ns.
  const auto& s = outcome.bounds->streams.at(0);
  REQUIRE(s.listeners.size() == 1);
  const auto& l = s.listeners[0];
  REQUIRE(l.hops.size() == 2);
  CHECK(l.hops[0].queueing == Nanos{134'720});
  CHECK(l.hops[0].fixed == Nanos{2'000});
  CHECK(l.hops[1].queueing == Nanos{136'270});
  CHECK(l.hops[1].fixed == Nanos{0});
  CHECK(l.bound == Nanos{272'990});
  const auto* sp = outcome.plan->find_stream("alarm");
  CHECK(sp->worst_case_latency == Nanos{272'990});
  CHECK(sp->slack == Nanos{1'000'000 - 272'990});
  REQUIRE(sp->listener_timing.size() == 1);
  CHECK(sp->listener_timing[0].worst_case_latency == Nanos{272'990});
}

TEST_CASE("two bounded streams in one class: each waits for the other's burst") {
  auto b = line_100m();
  bounded(b, "x", "a", "b", Nanos{1'000'000}, 100, Nanos{1'000'000});
  bounded(b, "y", "a", "b", Nanos{1'000'000}, 100, Nanos{1'000'000});
  const auto outcome = schedule::plan_plant(b.build());
  REQUIRE(outcome.bounds);
  // Hop a:p1: 123,360 + 2 * 1136 bit / 100 Mb/s = 146,080 ns.
  CHECK(outcome.bounds->streams[0].listeners[0].hops[0].queueing == Nanos{146'080});
  CHECK(outcome.bounds->streams[1].listeners[0].hops[0].queueing == Nanos{146'080});
}

TEST_CASE("bounded streams that overload a link are refused naming the port") {
  // Two streams of 1500 B every 10 us: 1.23 Gb/s each on a 100 Mb/s link.
  auto b = line_100m();
  bounded(b, "flood-1", "a", "b", Nanos{10'000}, 1500, Nanos{5'000'000});
  bounded(b, "flood-2", "a", "b", Nanos{10'000}, 1500, Nanos{5'000'000});
  const auto outcome = schedule::plan_plant(b.build());
  CHECK_FALSE(outcome.plan);
  REQUIRE_FALSE(outcome.issues.empty());
  bool named = false;
  for (const auto& i : outcome.issues)
    if (i.port == "a:p1" && i.message.find("flood-1, flood-2") != std::string::npos) named = true;
  CHECK(named);
}

TEST_CASE("a bounded stream whose bound exceeds max-latency is refused naming stream, port and the miss") {
  auto b = line_100m();
  bounded(b, "alarm", "a", "b", Nanos{1'000'000}, 100, Nanos{200'000});
  const auto outcome = schedule::plan_plant(b.build());
  CHECK_FALSE(outcome.plan);
  REQUIRE(outcome.issues.size() == 1);
  const auto& issue = outcome.issues[0];
  CHECK(issue.stream == "alarm");
  // a:p1 adds 134,720 + 2000 processing behind it, sw:p2 136,270: the talker's port dominates.
  CHECK(issue.port == "a:p1");
  CHECK_THAT(issue.message, Catch::Contains("alarm: latency bound 272.99 us to b > max-latency 200 us by 72.99 us") &&
                                Catch::Contains("50 % of it at a:p1 (traffic class 4, 134.72 us of it queued and sent "
                                                "there)"));
}

TEST_CASE("a best-effort stream over its max-latency warns but does not refuse the plan") {
  auto b = line_100m();
  auto& s = b.stream("bulk", "a", {"b"}, Nanos{1'000'000}, 100, Nanos{200'000});
  s.traffic_class = model::TrafficClassKind::best_effort;
  s.pcp = 0;
  const auto outcome = schedule::plan_plant(b.build());
  REQUIRE(outcome.plan);
  REQUIRE(outcome.bounds->warnings.size() == 1);
  CHECK(outcome.bounds->warnings[0].stream == "bulk");
}

TEST_CASE("a bounded stream beside scheduled windows waits for them") {
  auto b = line_100m();
  b.stream("motion", "a", {"b"}, Nanos{1'000'000}, 1500, Nanos{1'000'000});
  bounded(b, "alarm", "a", "b", Nanos{1'000'000}, 100, Nanos{2'000'000});
  const auto outcome = schedule::plan_plant(b.build());
  REQUIRE(outcome.plan);
  const auto& hops = outcome.bounds->streams.at(0).listeners.at(0).hops;
  // The alarm now also waits out the motion window (one 1500 B frame at 100 Mb/s) and a guard
  // band, so each hop's queueing exceeds the 134,720 / 136,270 ns of the ungated line.
  CHECK(hops[0].queueing > Nanos{134'720 + 123'360});
  CHECK(outcome.bounds->streams[0].worst() <= Nanos{2'000'000});
}

TEST_CASE("best-effort streams behind an overloaded best-effort port get no bound, bounded ones keep theirs") {
  // Two links: a -> sw -> b. A best-effort flood overloads a:p1; a second best-effort stream
  // from sw's other station shares sw:p2 with it downstream, so its bound is unknown too. The
  // bounded alarm (a higher class) is unaffected and the plan goes out with warnings.
  PlantBuilder b("be");
  b.station("a").bridge("sw").station("b").station("c");
  b.link("a", "sw", 100'000'000).link("sw", "b", 100'000'000).link("c", "sw", 100'000'000);
  auto& flood = b.stream("flood", "a", {"b"}, Nanos{10'000}, 1500, Nanos{10'000'000});
  flood.traffic_class = model::TrafficClassKind::best_effort;
  flood.pcp = 0;
  auto& other = b.stream("other", "c", {"b"}, Nanos{1'000'000}, 100, Nanos{10'000'000});
  other.traffic_class = model::TrafficClassKind::best_effort;
  other.pcp = 0;
  bounded(b, "alarm", "a", "b", Nanos{1'000'000}, 100, Nanos{1'000'000});
  const auto outcome = schedule::plan_plant(b.build());
  REQUIRE(outcome.plan);
  REQUIRE(outcome.bounds);
  CHECK_FALSE(outcome.bounds->warnings.empty());
  for (const auto& s : outcome.bounds->streams) {
    INFO(s.stream);
    CHECK(s.listeners.empty() == (s.stream != "alarm"));
  }
  CHECK(outcome.plan->find_stream("other")->listener_timing.empty());
  CHECK(outcome.plan->find_stream("alarm")->listener_timing.size() == 1);
}
