#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "dataplane/probe/probe_header.hpp"

using namespace takt;
using namespace takt::probe;

TEST_CASE("the probe header round-trips and is big endian on the wire", "[probe][header]") {
  std::array<std::byte, 40> buf{};
  const ProbeHeader h{0x01020304, 0xA0B0C0D0, 0x1122334455667788ULL, tai_ns(1'700'000'000'123'456'789)};
  REQUIRE(encode(h, buf));
  const std::array<std::uint8_t, 32> expected{
      'T',  'K',  'P',  'R',  1,    0,    0,    0,      // magic, version, reserved
      0x01, 0x02, 0x03, 0x04, 0xA0, 0xB0, 0xC0, 0xD0,   // stream id, session
      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,   // sequence
      0x17, 0x97, 0x9c, 0xfe, 0x3d, 0x85, 0xcd, 0x15};  // 1'700'000'000'123'456'789 ns
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(std::to_integer<std::uint8_t>(buf[i]) == expected[i]);
  CHECK(std::to_integer<int>(buf[32]) == 0);  // nothing written past the header

  const auto back = decode(buf);
  REQUIRE(back);
  CHECK(*back == h);
}

TEST_CASE("stamp rewrites only sequence and transmit time", "[probe][header]") {
  std::array<std::byte, 32> buf{};
  REQUIRE(encode({7, 9, 0, tai_ns(0)}, buf));
  stamp(buf, 12345, tai_ns(-5));  // a negative TAI time survives the unsigned wire field
  const auto h = decode(buf);
  REQUIRE(h);
  CHECK(h->stream_id == 7);
  CHECK(h->session == 9);
  CHECK(h->sequence == 12345);
  CHECK(ns_of(h->transmit_time) == -5);
}

TEST_CASE("decode rejects short payloads, foreign magic and unknown versions", "[probe][header]") {
  std::vector<std::byte> buf(32);
  REQUIRE(encode({1, 2, 3, tai_ns(4)}, buf));
  CHECK_FALSE(decode(std::span(buf).first(31)));
  CHECK_FALSE(encode({1, 2, 3, tai_ns(4)}, std::span(buf).first(31)));

  auto foreign = buf;
  foreign[0] = std::byte{'X'};
  CHECK_FALSE(decode(foreign));
  auto future = buf;
  future[4] = std::byte{2};
  CHECK_FALSE(decode(future));
  CHECK(decode(buf));
}
