#include <catch2/catch.hpp>

#include <chrono>
#include <limits>

#include "common/duration_text.hpp"

using namespace std::chrono_literals;
using takt::format_duration;
using takt::parse_duration;
using takt::readable_duration;

TEST_CASE("durations parse exactly, in the plant's units or also minutes and hours", "[common][duration]") {
  CHECK(*parse_duration("31.25us") == 31'250ns);
  CHECK(*parse_duration("5µs") == 5us);
  CHECK(*parse_duration("-3us") == -3us);
  CHECK(*parse_duration("1_000ns") == 1us);
  CHECK_FALSE(parse_duration("2m").ok());
  CHECK(*parse_duration("2m", takt::kRunDurationUnits) == 2min);
  CHECK(*parse_duration("1h", takt::kRunDurationUnits) == 1h);
}

TEST_CASE("duration errors say what is wrong and what would be right", "[common][duration]") {
  auto unit = parse_duration("1mS");
  REQUIRE_FALSE(unit.ok());
  CHECK(unit.error().message == "unknown unit 'mS' in '1mS'");
  CHECK(unit.error().hint == "did you mean '1ms'? units are ns, us, µs, ms, s");
  CHECK(parse_duration(".5s").error().message == "'.5s' is not a duration");
  CHECK(parse_duration("1.s").error().message == "'1.s' is not a duration");
  CHECK(parse_duration("1.5ns").error().message.find("finer") != std::string::npos);
  CHECK(parse_duration("99999999999h", takt::kRunDurationUnits).error().message.find("too large") != std::string::npos);
}

TEST_CASE("durations format exactly in the largest unit with a whole part", "[common][duration]") {
  CHECK(format_duration(250us) == "250us");
  CHECK(format_duration(12'336ns) == "12.336us");
  CHECK(format_duration(-1'000'500ns) == "-1.0005ms");
  CHECK(format_duration(0ns) == "0s");
  CHECK(format_duration(std::chrono::nanoseconds{std::numeric_limits<std::int64_t>::min()}) ==
        "-9223372036.854775808s");
  for (auto d : {1ns, 999ns, 1'500ns, 31'250ns, 1'234'567'891ns, 2'000'000'000ns})
    CHECK(*parse_duration(format_duration(d)) == d);
}

TEST_CASE("readable durations keep three decimals at most", "[common][duration]") {
  CHECK(readable_duration(672ns) == "672 ns");
  CHECK(readable_duration(41'200ns) == "41.2 us");
  CHECK(readable_duration(1'250'000ns) == "1.25 ms");
  CHECK(readable_duration(1'234'567ns) == "1.235 ms");
  CHECK(readable_duration(2s) == "2 s");
}

TEST_CASE("a duration in hours or minutes where only seconds and below are units says what to write instead",
          "[common][duration]") {
  // Issue 11: "interval: 1h" suggested "1s", the nearest unit by spelling.
  auto hours = parse_duration("1h");
  REQUIRE_FALSE(hours.ok());
  CHECK(hours.error().message == "unknown unit 'h' in '1h'");
  CHECK(hours.error().hint == "write 3600s: hours are not a unit here (units are ns, us, µs, ms, s)");
  CHECK(parse_duration("1.5min").error().hint ==
        "write 90s: minutes are not a unit here (units are ns, us, µs, ms, s)");
  CHECK(parse_duration("2m").error().hint == "write 120s: minutes are not a unit here (units are ns, us, µs, ms, s)");
  CHECK(parse_duration("1d").error().hint == "write 86400s: days are not a unit here (units are ns, us, µs, ms, s)");
  // No unit that is one letter away but shares none is offered as a typo.
  CHECK(parse_duration("5x").error().hint == "use one of ns, us, µs, ms, s");
  // Typos are still typos.
  CHECK(parse_duration("1mS").error().hint == "did you mean '1ms'? units are ns, us, µs, ms, s");
  // A value too large for nanoseconds in hours gets no made-up conversion.
  CHECK(parse_duration("99999999999h").error().hint == "use one of ns, us, µs, ms, s");
}
