// The plant's `ip:` stream key (IEEE 802.1CB IP stream identification): values, defaults and
// every error with file:line:col.
#include <catch2/catch.hpp>

#include <string>

#include "control/model/loader.hpp"

using namespace takt;
using namespace takt::model;

namespace {

// Streams are appended at line 10.
std::string plant_with(const std::string& streams) {
  return "bridges:\n"
         "  sw1: {ports: 3}\n"
         "end-stations:\n"
         "  a: {}\n"
         "  b: {}\n"
         "links:\n"
         "  - [a, sw1:p1]\n"
         "  - [b, sw1:p2]\n"
         "streams:\n" +
         streams;
}

std::string errors_of(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d.str() + "\n";
  return s;
}

}  // namespace

TEST_CASE("ip gives a stream its IP identification, protocol udp unless said", "[model][ip]") {
  auto r = load_plant_text(
      plant_with("  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: 10.0.0.2, source: 10.0.0.1, protocol: tcp, destination-port: 4840,\n"
                 "            source-port: 50000, dscp: 46}}\n"
                 "  s2: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: \"fd00::2\"}}\n"
                 "  s3: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms}\n"),
      "ip.yaml");
  INFO(errors_of(r));
  REQUIRE(r.plant);
  const auto& s1 = r.plant->streams[0];
  REQUIRE(s1.ip);
  CHECK(s1.ip->destination == IpAddress::v4(10, 0, 0, 2));
  CHECK(s1.ip->source == IpAddress::v4(10, 0, 0, 1));
  CHECK(s1.ip->protocol == kIpProtoTcp);
  CHECK(s1.ip->destination_port == 4840);
  CHECK(s1.ip->source_port == 50000);
  CHECK(s1.ip->dscp == 46);
  const auto& s2 = r.plant->streams[1];
  REQUIRE(s2.ip);
  CHECK(s2.ip->destination == IpAddress{{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}});
  CHECK(s2.ip->protocol == kIpProtoUdp);
  CHECK_FALSE(s2.ip->source);
  CHECK_FALSE(s2.ip->destination_port);
  CHECK_FALSE(s2.ip->source_port);
  CHECK_FALSE(s2.ip->dscp);
  CHECK_FALSE(r.plant->streams[2].ip);
}

TEST_CASE("ip errors name file, line and column", "[model][ip]") {
  auto r = load_plant_text(
      plant_with("  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"   // 10
                 "       ip: {destination: 10.0.0.256, protocol: sctp, destination-port: 70000, dscp: 64}}\n"  // 11
                 "  s2: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"   // 12
                 "       ip: {source: 10.0.0.1, destinaton-port: 1}}\n"                                        // 13
                 "  s3: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"   // 14
                 "       ip: {destination: \"fd00::2\", source: 10.0.0.1, source-port: -1}}\n"                 // 15
                 "  s4: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"   // 16
                 "       ip: 10.0.0.2}\n"),                                                                    // 17
      "ip.yaml");
  REQUIRE_FALSE(r.plant);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("ip.yaml:11:26: error: stream s1 ip destination: '10.0.0.256' is not an IP address (write an IPv4 "
                 "address such as 10.0.0.2 or an IPv6 address such as fd00::2)") != std::string::npos);
  CHECK(all.find("ip.yaml:11:48: error: stream s1 ip: protocol 'sctp' is not udp or tcp") != std::string::npos);
  CHECK(all.find("ip.yaml:11:72: error: stream s1 ip destination-port is 70000, out of range (allowed: 0 to 65535)") !=
        std::string::npos);
  CHECK(all.find("ip.yaml:11:85: error: stream s1 ip dscp is 64, out of range (allowed: 0 to 63)") !=
        std::string::npos);
  CHECK(all.find("ip.yaml:13:12: error: stream s2 ip has no destination (add e.g. 'destination: 10.0.0.2')") !=
        std::string::npos);
  CHECK(all.find("ip.yaml:13:31: error: unknown key 'destinaton-port' in stream s2 ip (did you mean "
                 "'destination-port'?)") != std::string::npos);
  CHECK(all.find("ip.yaml:15:45: error: stream s3 ip: source 10.0.0.1 and destination fd00::2 are not both IPv4 or "
                 "both IPv6") != std::string::npos);
  CHECK(all.find("ip.yaml:15:68: error: stream s3 ip source-port is -1, out of range (allowed: 0 to 65535)") !=
        std::string::npos);
  CHECK(all.find("ip.yaml:17:12: error: stream s4 ip must be a mapping") != std::string::npos);
}

TEST_CASE("ip source and destination are one IP version", "[model][ip]") {
  auto r = load_plant_text(
      plant_with("  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: \"fd00::2\", source: 10.0.0.1}}\n"),
      "ip.yaml");
  REQUIRE_FALSE(r.plant);
  CHECK(errors_of(r) ==
        "ip.yaml:11:45: error: stream s1 ip: source 10.0.0.1 and destination fd00::2 are not both IPv4 or both IPv6\n");
}

TEST_CASE("two streams of one talker with the same ip are refused naming both", "[model][ip]") {
  auto r = load_plant_text(
      plant_with("  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: 10.0.0.2, destination-port: 4840}}\n"
                 "  s2: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: 10.0.0.2, destination-port: 4840, protocol: udp}}\n"
                 "  s3: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: 10.0.0.2, destination-port: 4841}}\n"
                 "  s4: {talker: b, listeners: [a], interval: 1ms, max-frame-size: 64B, max-latency: 1ms,\n"
                 "       ip: {destination: 10.0.0.2, destination-port: 4840}}\n"),
      "ip.yaml");
  REQUIRE_FALSE(r.plant);
  // s3 differs in a port, s4 has another talker: only s2 collides.
  CHECK(errors_of(r) ==
        "ip.yaml:13:12: error: stream s2: ip {destination: 10.0.0.2, protocol: udp, destination-port: 4840} on talker "
        "a already identifies stream s1 (give each stream of a talker its own destination, source, ports or dscp)\n");
}
