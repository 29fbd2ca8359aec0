#include <catch2/catch.hpp>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/stream_id.hpp"
#include "frame_builder.hpp"

using namespace takt;
using takt::test::FrameBuilder;

namespace {
const MacAddress kTalkerDst = test::mac(0x01'00'5e'00'00'10);
const MacAddress kOtherDst = test::mac(0x01'00'5e'00'00'11);
const MacAddress kSrc = test::mac(0x02'00'00'00'00'01);

StreamIdentificationConfig config() {
  StreamIdentificationConfig c;
  c.null_streams.push_back({kTalkerDst, 100, 1});
  c.null_streams.push_back({kTalkerDst, 200, 2});
  c.null_streams.push_back({kOtherDst, 0, 3});
  FiveTuple t;
  t.source = IpAddress::v4(10, 0, 0, 1);
  t.destination = IpAddress::v4(10, 0, 0, 2);
  t.protocol = kIpProtoUdp;
  t.source_port = 5000;
  t.destination_port = 6000;
  c.ip_streams.push_back({t, 42});
  return c;
}

ParsedFrame udp_frame(const MacAddress& dst, std::uint16_t vid, std::uint16_t dport) {
  FrameBuilder fb;
  fb.mac(dst).mac(kSrc);
  if (vid != 0) fb.vlan(kTpidCustomerVlan, 6, false, vid);
  fb.u16(kEthertypeIpv4).ipv4_udp({10, 0, 0, 1}, {10, 0, 0, 2}, 5000, dport);
  return parse_frame(std::span<const std::uint8_t>(fb.bytes()));
}
}  // namespace

TEST_CASE("null stream identification keys on destination MAC and VID", "[stream_id]") {
  const StreamIdentifier id(config());
  CHECK(id.null_stream_count() == 3);
  CHECK(id.identify_null(kTalkerDst, 100) == 1);
  CHECK(id.identify_null(kTalkerDst, 200) == 2);
  CHECK(id.identify_null(kTalkerDst, 300) == kNoStream);
  CHECK(id.identify_null(kOtherDst, 0) == 3);
  CHECK(id.identify_null(kOtherDst, 100) == kNoStream);
  CHECK(id.identify(udp_frame(kTalkerDst, 200, 1)) == 2);
  CHECK(id.identify(udp_frame(kOtherDst, 0, 1)) == 3);  // untagged matches VID 0
}

TEST_CASE("IP stream identification takes precedence as the more specific match", "[stream_id]") {
  const StreamIdentifier id(config());
  CHECK(id.identify(udp_frame(kTalkerDst, 100, 6000)) == 42);
  CHECK(id.identify(udp_frame(kTalkerDst, 100, 6001)) == 1);  // falls back to null id
  CHECK(id.identify(udp_frame(test::mac(0x0200000000AA), 5, 6001)) == kNoStream);
}

TEST_CASE("a frame with an unusable layer-2 header has no stream", "[stream_id]") {
  const StreamIdentifier id(config());
  std::vector<std::uint8_t> runt{1, 2, 3};
  CHECK(id.identify(parse_frame(std::span<const std::uint8_t>(runt))) == kNoStream);
}

TEST_CASE("conflicting or reserved stream identification is rejected at load", "[stream_id]") {
  auto c = config();
  c.null_streams.push_back({kTalkerDst, 100, 9});
  CHECK_THROWS_AS(StreamIdentifier(c), ConfigError);
  CHECK_THROWS_WITH(StreamIdentifier(c), Catch::Contains("maps to both stream handle 1 and 9"));
  auto r = config();
  r.null_streams.push_back({kSrc, 1, kNoStream});
  CHECK_THROWS_WITH(StreamIdentifier(r), Catch::Contains("reserved"));
  auto v = config();
  v.null_streams.push_back({kSrc, 4095, 7});
  CHECK_THROWS_WITH(StreamIdentifier(v), Catch::Contains("VID must be 0..4094"));
  auto same = config();
  same.null_streams.push_back({kTalkerDst, 100, 1});  // duplicate but consistent: fine
  CHECK_NOTHROW(StreamIdentifier(same));
}

TEST_CASE("many streams: every configured key found, absent keys not", "[stream_id]") {
  StreamIdentificationConfig c;
  for (std::uint32_t i = 0; i < 5000; ++i)
    c.null_streams.push_back({test::mac(0x01'00'5e'00'00'00ULL + i), static_cast<std::uint16_t>(i % 4094 + 1), i});
  const StreamIdentifier id(c);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    REQUIRE(id.identify_null(test::mac(0x01'00'5e'00'00'00ULL + i), static_cast<std::uint16_t>(i % 4094 + 1)) == i);
    REQUIRE(id.identify_null(test::mac(0x01'00'5e'00'00'00ULL + i), 0) == kNoStream);
  }
}

TEST_CASE("batch identification matches per-frame identification", "[stream_id]") {
  const StreamIdentifier id(config());
  const std::vector<ParsedFrame> frames{udp_frame(kTalkerDst, 100, 6000), udp_frame(kTalkerDst, 200, 1),
                                        udp_frame(kOtherDst, 7, 1)};
  std::vector<StreamHandle> handles(3, 0);
  id.identify(frames, handles);
  CHECK(handles == std::vector<StreamHandle>{42, 2, kNoStream});
}
