#include <catch2/catch.hpp>

#include <vector>

#include "dataplane/probe/transmit_schedule.hpp"

using namespace takt;
using namespace takt::probe;

TEST_CASE("the first transmission is the first k x interval + offset at or after the start", "[probe][schedule]") {
  const StreamTiming t{Nanos{1'000'000}, Nanos{250'000}};
  CHECK(ns_of(first_transmission_at_or_after(t, tai_ns(0))) == 250'000);
  CHECK(ns_of(first_transmission_at_or_after(t, tai_ns(250'000))) == 250'000);
  CHECK(ns_of(first_transmission_at_or_after(t, tai_ns(250'001))) == 1'250'000);
  CHECK(ns_of(first_transmission_at_or_after(t, tai_ns(5'100'000))) == 5'250'000);
  CHECK(ns_of(first_transmission_at_or_after(t, tai_ns(-900'000))) == -750'000);
  // Realistic TAI (2026): still on the common epoch grid.
  const std::int64_t now = 1'795'446'251'420'123'456;
  const auto first = ns_of(first_transmission_at_or_after(t, tai_ns(now)));
  CHECK(first >= now);
  CHECK(first - now < 1'000'000);
  CHECK((first - 250'000) % 1'000'000 == 0);
}

TEST_CASE("transmissions of several streams come out in time order", "[probe][schedule]") {
  // 1 ms at 500 us, 250 us at 20 us: in each ms the fast stream sends 4 times.
  TransmitSchedule s({{Nanos{1'000'000}, Nanos{500'000}}, {Nanos{250'000}, Nanos{20'000}}}, tai_ns(10'000'000));
  std::vector<std::pair<std::size_t, std::int64_t>> got;
  for (int i = 0; i < 10; ++i) {
    const Transmission t = s.pop();
    got.emplace_back(t.stream, ns_of(t.time));
  }
  const std::vector<std::pair<std::size_t, std::int64_t>> expected{
      {1, 10'020'000}, {1, 10'270'000}, {0, 10'500'000}, {1, 10'520'000}, {1, 10'770'000},
      {1, 11'020'000}, {1, 11'270'000}, {0, 11'500'000}, {1, 11'520'000}, {1, 11'770'000}};
  CHECK(got == expected);
}

TEST_CASE("interval indexes count from the epoch and ties go to the lower stream", "[probe][schedule]") {
  TransmitSchedule s({{Nanos{1'000}, Nanos{0}}, {Nanos{500}, Nanos{0}}}, tai_ns(3'000));
  Transmission a = s.pop();
  CHECK(a.stream == 0);
  CHECK(a.interval_index == 3);
  Transmission b = s.pop();
  CHECK(b.stream == 1);
  CHECK(b.interval_index == 6);
  CHECK(ns_of(s.next().time) == 3'500);
}

TEST_CASE("skip_before moves one late stream to its next interval and counts the passed ones", "[probe][schedule]") {
  TransmitSchedule s({{Nanos{1'000}, Nanos{100}}, {Nanos{10'000}, Nanos{0}}}, tai_ns(0));
  CHECK(ns_of(s.next().time) == 0);             // stream 1 at 0
  CHECK(s.skip_before(0, tai_ns(3'050)) == 3);  // 100, 1100, 2100 passed; 3100 next
  CHECK(s.skip_before(0, tai_ns(3'050)) == 0);
  CHECK(s.pop().stream == 1);  // stream 1 untouched
  const Transmission t = s.pop();
  CHECK(t.stream == 0);
  CHECK(ns_of(t.time) == 3'100);
  CHECK(t.interval_index == 3);
}

TEST_CASE("invalid timings are refused with the stream they concern", "[probe][schedule]") {
  CHECK_THROWS_WITH(TransmitSchedule({{Nanos{1000}, Nanos{0}}, {Nanos{1000}, Nanos{1000}}}, tai_ns(0)),
                    Catch::Contains("stream #1") && Catch::Contains("outside its interval"));
  CHECK_THROWS_WITH(TransmitSchedule({{Nanos{0}, Nanos{0}}}, tai_ns(0)), Catch::Contains("positive"));
  CHECK_THROWS(TransmitSchedule({}, tai_ns(0)));
}
