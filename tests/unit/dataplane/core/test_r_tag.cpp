#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "dataplane/core/frame.hpp"
#include "dataplane/core/r_tag.hpp"
#include "frame_builder.hpp"

using namespace takt;
using takt::test::FrameBuilder;

namespace {
const MacAddress kDst = test::mac(0x01'00'5e'00'00'10);
const MacAddress kSrc = test::mac(0x02'00'00'00'00'01);

std::span<const std::byte> bytes_of(const std::vector<std::uint8_t>& v) { return std::as_bytes(std::span(v)); }
}  // namespace

TEST_CASE("R-TAG: found after no, one and two VLAN tags", "[r_tag]") {
  const auto untagged =
      FrameBuilder().mac(kDst).mac(kSrc).u16(kEthertypeRTag).u16(0).u16(0x1234).u16(0x0800).zeros(40).bytes();
  auto r = read_r_tag(bytes_of(untagged));
  CHECK(r.state == RTagState::present);
  CHECK(r.sequence == 0x1234);
  CHECK(r.offset == 12);

  const auto ctag = FrameBuilder()
                        .mac(kDst)
                        .mac(kSrc)
                        .vlan(kTpidCustomerVlan, 6, false, 100)
                        .u16(kEthertypeRTag)
                        .u16(0)
                        .u16(65535)
                        .u16(0x88B5)
                        .zeros(40)
                        .bytes();
  r = read_r_tag(bytes_of(ctag));
  CHECK(r.state == RTagState::present);
  CHECK(r.sequence == 65535);
  CHECK(r.offset == 16);

  const auto qinq = FrameBuilder()
                        .mac(kDst)
                        .mac(kSrc)
                        .vlan(kTpidServiceVlan, 6, false, 10)
                        .vlan(kTpidCustomerVlan, 6, false, 100)
                        .u16(kEthertypeRTag)
                        .u16(0)
                        .u16(7)
                        .u16(0x88B5)
                        .bytes();
  r = read_r_tag(bytes_of(qinq));
  CHECK(r.state == RTagState::present);
  CHECK(r.sequence == 7);
  CHECK(r.offset == 20);

  const auto plain =
      FrameBuilder().mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 6, false, 100).u16(0x88B5).zeros(46).bytes();
  r = read_r_tag(bytes_of(plain));
  CHECK(r.state == RTagState::absent);
  CHECK(r.offset == 16);
}

TEST_CASE("R-TAG: a truncated tag or header is reported, never read past", "[r_tag]") {
  // 0xF1C1 and only four of the six octets plus inner EtherType.
  const auto cut =
      FrameBuilder().mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 6, false, 100).u16(kEthertypeRTag).u16(0).bytes();
  CHECK(read_r_tag(bytes_of(cut)).state == RTagState::truncated);
  // The tag and sequence number but no inner EtherType.
  const auto no_inner = FrameBuilder().mac(kDst).mac(kSrc).u16(kEthertypeRTag).u16(0).u16(9).bytes();
  CHECK(read_r_tag(bytes_of(no_inner)).state == RTagState::truncated);
  // A C-tag announced, its TCI missing.
  const auto half_vlan = FrameBuilder().mac(kDst).mac(kSrc).u16(kTpidCustomerVlan).u8(0).bytes();
  CHECK_FALSE(ethertype_offset(bytes_of(half_vlan)).has_value());
  CHECK(read_r_tag(bytes_of(half_vlan)).state == RTagState::truncated);
  // Runts as the first n bytes of a longer buffer, as they sit in an mbuf: the span bounds the
  // read, not the allocation (and GCC 12's -O3 -Warray-bounds cannot prove a tiny array safe).
  const std::vector<std::uint8_t> backing(64, 0xF1);
  for (std::size_t n = 0; n < 14; ++n) {
    CHECK(read_r_tag(bytes_of(backing).first(n)).state == RTagState::truncated);
  }
}

TEST_CASE("R-TAG: inserted behind the tags and removed again, byte for byte", "[r_tag]") {
  const auto original =
      FrameBuilder().mac(kDst).mac(kSrc).vlan(kTpidCustomerVlan, 6, false, 100).u16(0x88B5).u8(0xAB).zeros(45).bytes();
  // Six bytes of headroom in front, as an mbuf prepend gives.
  REQUIRE(original.size() == 64);
  std::vector<std::uint8_t> buffer(kRTagBytes + 64, 0xEE);
  std::memcpy(buffer.data() + kRTagBytes, original.data(), 64);
  auto span = std::as_writable_bytes(std::span(buffer));
  insert_r_tag(span, 16, 0xBEEF);
  const ParsedFrame parsed = parse_frame(std::as_bytes(std::span(buffer)));
  CHECK(parsed.destination == kDst);
  CHECK(parsed.source == kSrc);
  CHECK(parsed.vid() == 100);
  CHECK(parsed.pcp() == 6);
  const auto r = read_r_tag(std::as_bytes(std::span(buffer)));
  REQUIRE(r.state == RTagState::present);
  CHECK(r.sequence == 0xBEEF);
  CHECK(buffer[16 + 6] == 0x88);
  CHECK(buffer[16 + 7] == 0xB5);
  CHECK(buffer[16 + 8] == 0xAB);
  CHECK(buffer.size() == original.size() + kRTagBytes);

  remove_r_tag(span, 16);
  const std::vector<std::uint8_t> after(buffer.begin() + kRTagBytes, buffer.end());
  CHECK(after == original);
}
