#include <catch2/catch.hpp>
#include <random>

#include "dataplane/core/frame.hpp"
#include "frame_builder.hpp"

using namespace takt;
using takt::test::FrameBuilder;

namespace {
const MacAddress kDst = test::mac(0x01'1b'19'00'00'00);
const MacAddress kSrc = test::mac(0x02'00'00'00'00'01);

ParsedFrame parse(std::vector<std::uint8_t>& b) { return parse_frame(std::span<const std::uint8_t>(b)); }
}  // namespace

TEST_CASE("untagged IPv4/UDP frame yields MACs, ethertype and 5-tuple", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).u16(kEthertypeIpv4).ipv4_udp({10, 0, 0, 1}, {10, 0, 0, 2}, 5000, 319, 18);
  const ParsedFrame f = parse(fb.bytes());
  CHECK(f.error == FrameError::none);
  CHECK(f.destination == kDst);
  CHECK(f.source == kSrc);
  CHECK_FALSE(f.tagged());
  CHECK(f.vid() == 0);
  CHECK(f.ethertype == kEthertypeIpv4);
  CHECK(f.l3_offset == 14);
  CHECK(f.ip_version == 4);
  REQUIRE(f.has_five_tuple);
  CHECK(f.five_tuple.source == IpAddress::v4(10, 0, 0, 1));
  CHECK(f.five_tuple.destination == IpAddress::v4(10, 0, 0, 2));
  CHECK(f.five_tuple.protocol == kIpProtoUdp);
  CHECK(f.five_tuple.source_port == 5000);
  CHECK(f.five_tuple.destination_port == 319);
}

TEST_CASE("802.1Q tag gives VID, PCP and DEI, L3 offset moves by 4", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 6, true, 100).u16(kEthertypeIpv4);
  fb.ipv4_udp({192, 168, 1, 1}, {192, 168, 1, 2}, 1, 2);
  const ParsedFrame f = parse(fb.bytes());
  CHECK(f.error == FrameError::none);
  REQUIRE(f.tag_count == 1);
  CHECK(f.tags[0].tpid == kTpidCustomerVlan);
  CHECK(f.vid() == 100);
  CHECK(f.pcp() == 6);
  CHECK(f.dei());
  CHECK(f.l3_offset == 18);
  CHECK(f.has_five_tuple);
}

TEST_CASE("802.1ad S-tag followed by a C-tag: both reported, outer classifies", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).vlan(kTpidServiceVlan, 3, false, 200).vlan(kTpidCustomerVlan, 5, false, 7);
  fb.u16(0x88F7).zeros(44);  // PTP over Ethernet
  const ParsedFrame f = parse(fb.bytes());
  CHECK(f.error == FrameError::none);
  REQUIRE(f.tag_count == 2);
  CHECK(f.tags[0].tpid == kTpidServiceVlan);
  CHECK(f.tags[1].vid == 7);
  CHECK(f.tags[1].pcp == 5);
  CHECK(f.vid() == 200);
  CHECK(f.pcp() == 3);
  CHECK(f.ethertype == 0x88F7);
  CHECK(f.l3_offset == 22);
  CHECK(f.ip_version == 0);
}

TEST_CASE("a third tag is not parsed as a tag: C-tag ends the stack", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 1, false, 1).vlan(kTpidCustomerVlan, 2, false, 2).zeros(40);
  const ParsedFrame f = parse(fb.bytes());
  CHECK(f.tag_count == 1);
  CHECK(f.ethertype == kTpidCustomerVlan);
}

TEST_CASE("IPv6/TCP 5-tuple, also behind a hop-by-hop extension header", "[frame]") {
  for (bool with_ext : {false, true}) {
    FrameBuilder fb;
    fb.mac(kDst).mac(kSrc).u16(kEthertypeIpv6);
    const std::uint16_t payload = static_cast<std::uint16_t>(20 + (with_ext ? 8 : 0));
    fb.u8(0x60).zeros(3).u16(payload).u8(with_ext ? 0 : kIpProtoTcp).u8(64);
    fb.raw({0x20, 0x01, 0x0d, 0xb8}).zeros(11).u8(1);  // 2001:db8::1
    fb.raw({0x20, 0x01, 0x0d, 0xb8}).zeros(11).u8(2);  // 2001:db8::2
    if (with_ext) fb.u8(kIpProtoTcp).u8(0).zeros(6);
    fb.u16(40000).u16(102).zeros(16);
    const ParsedFrame f = parse(fb.bytes());
    INFO("with extension header: " << with_ext);
    CHECK(f.error == FrameError::none);
    CHECK(f.ip_version == 6);
    REQUIRE(f.has_five_tuple);
    CHECK(f.five_tuple.protocol == kIpProtoTcp);
    CHECK(f.five_tuple.source.bytes[0] == 0x20);
    CHECK(f.five_tuple.source.bytes[15] == 1);
    CHECK(f.five_tuple.destination.bytes[15] == 2);
    CHECK(f.five_tuple.source_port == 40000);
    CHECK(f.five_tuple.destination_port == 102);
  }
}

TEST_CASE("non-first IPv4 fragment has addresses but no ports", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).u16(kEthertypeIpv4).ipv4_udp({1, 1, 1, 1}, {2, 2, 2, 2}, 9, 9, 0, 0x0010);
  const ParsedFrame f = parse(fb.bytes());
  CHECK(f.error == FrameError::none);
  CHECK(f.ip_version == 4);
  CHECK_FALSE(f.has_five_tuple);
}

TEST_CASE("truncated frames are reported at the layer where they end", "[frame]") {
  FrameBuilder full;
  full.mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 7, false, 10).u16(kEthertypeIpv4);
  full.ipv4_udp({10, 0, 0, 1}, {10, 0, 0, 2}, 1, 2);
  const auto& b = full.bytes();
  auto parse_prefix = [&](std::size_t n) {
    std::vector<std::uint8_t> cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    return parse(cut);
  };
  CHECK(parse_prefix(0).error == FrameError::truncated_ethernet_header);
  CHECK(parse_prefix(13).error == FrameError::truncated_ethernet_header);
  CHECK(parse_prefix(14).error == FrameError::truncated_vlan_tag);
  CHECK(parse_prefix(17).error == FrameError::truncated_vlan_tag);
  const ParsedFrame l3_cut = parse_prefix(18 + 10);
  CHECK(l3_cut.error == FrameError::truncated_ip_header);
  CHECK(l3_cut.layer2_valid());  // a bridge can still forward it on layer 2
  CHECK(l3_cut.vid() == 10);
  // IP total length says 28 bytes, the frame holds 27 of them
  CHECK(parse_prefix(18 + 27).error == FrameError::truncated_ip_header);
  CHECK(parse_prefix(18 + 28).error == FrameError::none);
}

TEST_CASE("IP header lying about its length is rejected, not trusted", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).u16(kEthertypeIpv4).ipv4_udp({10, 0, 0, 1}, {10, 0, 0, 2}, 1, 2);
  auto bad_ihl = fb.bytes();
  bad_ihl[14] = 0x44;  // IHL 4 < 5
  CHECK(parse(bad_ihl).error == FrameError::bad_ip_header);
  auto bad_version = fb.bytes();
  bad_version[14] = 0x65;
  CHECK(parse(bad_version).error == FrameError::bad_ip_header);
  auto long_ihl = fb.bytes();
  long_ihl[14] = 0x4F;  // 60-byte header beyond the 28-byte datagram
  CHECK(parse(long_ihl).error == FrameError::bad_ip_header);
  auto short_total = fb.bytes();
  short_total[16] = 0;
  short_total[17] = 24;  // datagram ends inside the UDP header
  CHECK(parse(short_total).error == FrameError::truncated_transport_header);
}

TEST_CASE("IPv6 extension header loops are bounded", "[frame]") {
  FrameBuilder fb;
  fb.mac(kDst).mac(kSrc).u16(kEthertypeIpv6);
  fb.u8(0x60).zeros(3).u16(8 * 10 + 8).u8(60).u8(64).zeros(32);
  for (int i = 0; i < 10; ++i) fb.u8(60).u8(0).zeros(6);  // destination options chained
  fb.u16(1).u16(2).u16(8).u16(0);
  CHECK(parse(fb.bytes()).error == FrameError::too_many_ipv6_extension_headers);
}

TEST_CASE("random bytes never crash the parser and never claim more than they hold", "[frame][fuzz]") {
  std::mt19937_64 rng(20240601);
  std::vector<std::uint8_t> buf;
  int with_tuple = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    buf.resize(rng() % 96);
    for (auto& byte : buf) byte = static_cast<std::uint8_t>(rng());
    // Bias towards interesting type fields so deep paths get exercised.
    if (buf.size() > 13 && (iter % 4) != 0) {
      static constexpr std::uint16_t kTypes[] = {kTpidCustomerVlan, kTpidServiceVlan, kEthertypeIpv4, kEthertypeIpv6};
      const std::uint16_t t = kTypes[rng() % 4];
      buf[12] = static_cast<std::uint8_t>(t >> 8);
      buf[13] = static_cast<std::uint8_t>(t);
      if (t == kEthertypeIpv4 && buf.size() >= 14 + 28 && (iter % 8) < 4) {
        // A plausible IPv4 header with a random total length around the real one.
        const std::size_t total = buf.size() - 14 - rng() % 4 + 2;
        buf[14] = 0x45;
        buf[16] = static_cast<std::uint8_t>(total >> 8);
        buf[17] = static_cast<std::uint8_t>(total);
        buf[20] = 0;
        buf[21] = 0;
        buf[23] = (rng() % 2) != 0 ? kIpProtoUdp : kIpProtoTcp;
      }
    }
    const ParsedFrame f = parse(buf);
    if (f.layer2_valid()) {
      REQUIRE(f.l3_offset <= buf.size());
      REQUIRE(f.tag_count <= 2);
    }
    if (f.has_five_tuple) ++with_tuple;
  }
  CHECK(with_tuple > 0);
}

TEST_CASE("batch parsing fills one result per frame", "[frame]") {
  FrameBuilder a;
  a.mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 5, false, 3).u16(0x88F7).zeros(40);
  std::vector<std::uint8_t> runt{0xFF, 0xFF};
  const std::vector<std::span<const std::byte>> burst{std::as_bytes(std::span<const std::uint8_t>(a.bytes())),
                                                      std::as_bytes(std::span<const std::uint8_t>(runt))};
  std::vector<ParsedFrame> out(2);
  parse_frames(burst, out);
  CHECK(out[0].vid() == 3);
  CHECK(out[0].pcp() == 5);
  CHECK(out[1].error == FrameError::truncated_ethernet_header);
}
