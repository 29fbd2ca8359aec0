#include <catch2/catch.hpp>

#include "ptp/clock_identity.hpp"

using namespace takt::ptp;

TEST_CASE("clock identities print as ptp4l prints them", "[ptp][identity]") {
  const ClockIdentity id{{0x0e, 0xeb, 0x4d, 0xff, 0xfe, 0xf4, 0xfa, 0xc8}};
  CHECK(to_string(id) == "0eeb4d.fffe.f4fac8");
  CHECK(to_string(PortIdentity{id, 1}) == "0eeb4d.fffe.f4fac8-1");
  CHECK(to_string(ClockIdentity::wildcard()) == "ffffff.ffff.ffffff");
  CHECK(to_string(PortIdentity::wildcard()) == "ffffff.ffff.ffffff-65535");
}

TEST_CASE("clock identities parse from the dotted and the plain form", "[ptp][identity]") {
  const ClockIdentity id{{0x0e, 0xeb, 0x4d, 0xff, 0xfe, 0xf4, 0xfa, 0xc8}};
  CHECK(parse_clock_identity("0eeb4d.fffe.f4fac8") == id);
  CHECK(parse_clock_identity("0EEB4D.FFFE.F4FAC8") == id);
  CHECK(parse_clock_identity("0eeb4dfffef4fac8") == id);
  CHECK_FALSE(parse_clock_identity("0eeb4d.fffe.f4fac").has_value());
  CHECK_FALSE(parse_clock_identity("0eeb4d.fffe.f4facx").has_value());
  CHECK_FALSE(parse_clock_identity("0eeb4dff.fe.f4fac8").has_value());
  CHECK_FALSE(parse_clock_identity("").has_value());
}
