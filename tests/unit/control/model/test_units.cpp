#include <catch2/catch.hpp>

#include "control/model/units.hpp"

using namespace takt::model;

namespace {
std::int64_t ok(const takt::Result<std::int64_t>& p) {
  if (!p) FAIL(p.error().message << " / " << p.error().hint);
  return *p;
}
takt::Error err(const takt::Result<std::int64_t>& p) {
  REQUIRE_FALSE(p.ok());
  return p.error();
}
}  // namespace

TEST_CASE("durations parse exactly to nanoseconds") {
  CHECK(ok(parse_duration_ns("250us")) == 250'000);
  CHECK(ok(parse_duration_ns("1ms")) == 1'000'000);
  CHECK(ok(parse_duration_ns("50ns")) == 50);
  CHECK(ok(parse_duration_ns("2s")) == 2'000'000'000);
  CHECK(ok(parse_duration_ns("31.25us")) == 31'250);
  CHECK(ok(parse_duration_ns("12.336us")) == 12'336);
  CHECK(ok(parse_duration_ns("0.5ms")) == 500'000);
  CHECK(ok(parse_duration_ns("1_000ns")) == 1'000);
  CHECK(ok(parse_duration_ns("5µs")) == 5'000);
  CHECK(ok(parse_duration_ns("-3us")) == -3'000);
}

TEST_CASE("duration typos get a message and a fix") {
  auto space = err(parse_duration_ns("1 ms"));
  CHECK(space.message.find("space") != std::string::npos);
  CHECK(space.hint == "write 1ms");
  auto upper = err(parse_duration_ns("1mS"));
  CHECK(upper.message.find("unknown unit 'mS'") != std::string::npos);
  CHECK(upper.hint.find("did you mean '1ms'") != std::string::npos);
  auto sec = err(parse_duration_ns("1sec"));
  CHECK(sec.hint.find("did you mean '1s'") != std::string::npos);
  auto bare = err(parse_duration_ns("250"));
  CHECK(bare.message.find("has no unit") != std::string::npos);
  CHECK(err(parse_duration_ns("0.5ns")).message.find("finer") != std::string::npos);
  CHECK(err(parse_duration_ns("abc")).message.find("not a duration") != std::string::npos);
  CHECK(err(parse_duration_ns("")).message.find("empty") != std::string::npos);
  CHECK(err(parse_duration_ns("99999999999999999999999s")).message.find("too large") != std::string::npos);
}

TEST_CASE("sizes, rates and lengths") {
  CHECK(ok(parse_size_bytes("128B")) == 128);
  CHECK(ok(parse_size_bytes("1.5kB")) == 1500);
  CHECK(ok(parse_size_bytes("2KiB")) == 2048);
  CHECK(ok(parse_rate_bps("1Gbps")) == 1'000'000'000);
  CHECK(ok(parse_rate_bps("100Mbps")) == 100'000'000);
  CHECK(ok(parse_rate_bps("2.5Gbps")) == 2'500'000'000);
  CHECK(ok(parse_rate_bps("10Gb/s")) == 10'000'000'000);
  CHECK(ok(parse_length_mm("20m")) == 20'000);
  CHECK(ok(parse_length_mm("1.5km")) == 1'500'000);
  CHECK(err(parse_size_bytes("128 bytes")).message.find("space") != std::string::npos);
  CHECK(err(parse_size_bytes("128bytes")).hint.find("'128B'") != std::string::npos);
  CHECK(err(parse_rate_bps("1GBPS")).hint.find("1Gbps") != std::string::npos);
}

TEST_CASE("durations format exactly") {
  CHECK(format_duration(250'000) == "250us");
  CHECK(format_duration(31'250) == "31.25us");
  CHECK(format_duration(12'336) == "12.336us");
  CHECK(format_duration(1'500'000) == "1.5ms");
  CHECK(format_duration(672) == "672ns");
  CHECK(format_duration(2'000'000'000) == "2s");
  CHECK(format_rate(1'000'000'000) == "1Gbps");
  CHECK(format_rate(2'500'000'000) == "2.5Gbps");
}
