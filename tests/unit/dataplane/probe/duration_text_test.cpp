#include <catch2/catch.hpp>

#include "dataplane/probe/duration_text.hpp"

using takt::Nanos;  // not all of takt: takt::parse_duration accepts what the probe rejects
using namespace takt::probe;

TEST_CASE("durations need a unit and come out in exact nanoseconds", "[probe][duration]") {
  CHECK(parse_duration("30s") == Nanos{30'000'000'000});
  CHECK(parse_duration("250us") == Nanos{250'000});
  CHECK(parse_duration("1.5ms") == Nanos{1'500'000});
  CHECK(parse_duration("100ns") == Nanos{100});
  CHECK(parse_duration("2m") == Nanos{120'000'000'000});
  CHECK(parse_duration("0s") == Nanos{0});
  CHECK(parse_duration("0.000000001s") == Nanos{1});
  for (const char* bad : {"30", "s", "1.5ns", "-1s", "1.s", ".5s", "1x", "", "1e3us", "99999999999h"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("durations print in the largest exact unit", "[probe][duration]") {
  CHECK(format_duration(Nanos{250'000}) == "250us");
  CHECK(format_duration(Nanos{30'000'000'000}) == "30s");
  CHECK(format_duration(Nanos{1'500}) == "1.5us");
  CHECK(format_duration(Nanos{1'500'000}) == "1.5ms");
  CHECK(format_duration(Nanos{999}) == "999ns");
  CHECK(format_duration(Nanos{0}) == "0s");
  CHECK(format_duration(Nanos{-20'000}) == "-20us");
}
