#include <catch2/catch.hpp>

#include "dataplane/core/frame.hpp"
#include "dataplane/probe/probe_frame.hpp"

using namespace takt;
using namespace takt::probe;

namespace {

ProbeStream stream(int vlan, int pcp, std::int64_t payload) {
  ProbeStream s;
  s.name = "axis-1";
  s.id = probe_stream_id(s.name);
  s.interval = Nanos{1'000'000};
  s.payload_bytes = payload;
  s.destination = MacAddress::parse("01:80:c2:00:01:00");
  s.vlan = vlan;
  s.pcp = pcp;
  return s;
}

const MacAddress kSource = *MacAddress::parse("02:00:00:00:00:0a");

}  // namespace

TEST_CASE("a tagged probe frame carries the stream's VLAN, PCP and the probe header", "[probe][frame]") {
  ProbeFrame f = build_probe_frame(stream(100, 6, 200), kSource, 77);
  CHECK(f.bytes.size() == 18 + 200);
  CHECK(f.payload_offset == 18);
  const ParsedFrame p = parse_frame(std::span<const std::byte>(f.bytes));
  REQUIRE(p.error == FrameError::none);
  CHECK(p.destination.to_string() == "01:80:c2:00:01:00");
  CHECK(p.source == kSource);
  REQUIRE(p.tag_count == 1);
  CHECK(p.tags[0].tpid == kTpidCustomerVlan);
  CHECK(p.vid() == 100);
  CHECK(p.pcp() == 6);
  CHECK(p.ethertype == kProbeEthertype);
  CHECK(p.l3_offset == f.payload_offset);

  stamp(f.payload(), 5, tai_ns(123));
  const auto h = decode(std::span<const std::byte>(f.bytes).subspan(p.l3_offset));
  REQUIRE(h);
  CHECK(h->stream_id == probe_stream_id("axis-1"));
  CHECK(h->session == 77);
  CHECK(h->sequence == 5);
  CHECK(ns_of(h->transmit_time) == 123);
}

TEST_CASE("payloads grow to the probe header and the Ethernet minimum", "[probe][frame]") {
  CHECK(probe_payload_bytes(stream(100, 0, 0)) == 42);  // tagged minimum: 64 B on the wire with FCS
  CHECK(probe_payload_bytes(stream(0, 0, 10)) == 46);   // untagged minimum
  CHECK(probe_payload_bytes(stream(0, 0, 1500)) == 1500);
  const ProbeFrame untagged = build_probe_frame(stream(0, 0, 0), kSource, 1);
  CHECK(untagged.bytes.size() == 60);
  CHECK(parse_frame(std::span<const std::byte>(untagged.bytes)).tag_count == 0);
  // Priority-tagged: VLAN 0 with a PCP still gets a tag.
  const ProbeFrame priority = build_probe_frame(stream(0, 5, 0), kSource, 1);
  const ParsedFrame p = parse_frame(std::span<const std::byte>(priority.bytes));
  CHECK(p.tag_count == 1);
  CHECK(p.vid() == 0);
  CHECK(p.pcp() == 5);
}

TEST_CASE("a stream without a destination MAC cannot be sent", "[probe][frame]") {
  ProbeStream s = stream(1, 1, 64);
  s.destination.reset();
  CHECK_THROWS_WITH(build_probe_frame(s, kSource, 1), Catch::Contains("'axis-1' has no destination-mac"));
}
