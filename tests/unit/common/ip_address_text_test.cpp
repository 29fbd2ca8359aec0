#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/ip_address_text.hpp"

using namespace takt;

TEST_CASE("IPv4 text is held IPv4-mapped and written back dotted", "[common][ip]") {
  const auto a = parse_ip_address("10.0.0.2");
  REQUIRE(a);
  CHECK(*a == IpOctets{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2});
  CHECK(is_ipv4_mapped(*a));
  CHECK(ip_address_text(*a) == "10.0.0.2");
  CHECK(parse_ip_address("::ffff:10.0.0.2") == a);  // the same address written as IPv6
}

TEST_CASE("IPv6 text reads and is written in its shortest form", "[common][ip]") {
  const auto a = parse_ip_address("FD00:0000:0:0::0002");
  REQUIRE(a);
  CHECK_FALSE(is_ipv4_mapped(*a));
  CHECK(ip_address_text(*a) == "fd00::2");
  CHECK(ip_address_text(*parse_ip_address("ff02::1:ff00:2")) == "ff02::1:ff00:2");
}

TEST_CASE("anything but an address is refused", "[common][ip]") {
  const std::vector<std::string> bad_texts{"",
                                           "10.0.0",
                                           "10.0.0.256",
                                           "10.0.0.2/24",
                                           " 10.0.0.2",
                                           "10.0.0.2 ",
                                           "0x0a.0.0.2",
                                           "fe80::1%eth0",
                                           "fd00:::2",
                                           "robot",
                                           std::string("10.0.0.2\0", 9),
                                           std::string(100, '1')};
  for (const std::string& bad : bad_texts) {
    INFO(bad);
    CHECK_FALSE(parse_ip_address(bad));
  }
}
