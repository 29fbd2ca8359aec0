#pragma once
// Ethernet / IEEE 802.1Q parsing of one frame held in a byte span. Parsing never reads outside
// the span: a short or malformed frame is reported, not guessed at. Layer-2 fields stay valid
// when only the IP or transport header is bad, because a bridge forwards on layer 2 anyway.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/core/five_tuple.hpp"
#include "dataplane/core/mac_address.hpp"

namespace takt {

inline constexpr std::uint16_t kTpidCustomerVlan = 0x8100;  // C-tag, IEEE 802.1Q
inline constexpr std::uint16_t kTpidServiceVlan = 0x88A8;   // S-tag, IEEE 802.1ad
inline constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEthertypeIpv6 = 0x86DD;

struct VlanTag {
  std::uint16_t tpid = 0;
  std::uint8_t pcp = 0;   // priority code point, 0..7
  bool dei = false;       // drop eligible indicator
  std::uint16_t vid = 0;  // 0 = priority-tagged (no VLAN membership)
};

enum class FrameError : std::uint8_t {
  none,
  truncated_ethernet_header,  // fewer than 14 bytes
  truncated_vlan_tag,         // a TPID announces a tag the frame does not hold
  truncated_ip_header,
  bad_ip_header,  // wrong version, IHL < 5, length fields inconsistent with the frame
  truncated_transport_header,
  too_many_ipv6_extension_headers,
};

std::string_view to_string(FrameError e);

// Errors up to here leave destination/source/tags/ethertype unusable.
constexpr bool is_layer2_error(FrameError e) {
  return e == FrameError::truncated_ethernet_header || e == FrameError::truncated_vlan_tag;
}

struct ParsedFrame {
  MacAddress destination;
  MacAddress source;
  // tags[0] is the outermost. An S-tag may be followed by a C-tag; a C-tag ends the stack.
  VlanTag tags[2];
  std::uint8_t tag_count = 0;
  std::uint16_t ethertype = 0;  // after the tags; values < 0x0600 are IEEE 802.3 lengths
  std::uint16_t l3_offset = 0;  // first byte after the ethertype
  std::uint8_t ip_version = 0;  // 0 when not IP (or IP header unusable)
  bool has_five_tuple = false;  // UDP/TCP ports present (first fragment only)
  FiveTuple five_tuple;
  FrameError error = FrameError::none;

  bool tagged() const { return tag_count > 0; }
  // The bridge classifies on the outermost tag: it is the one its VLAN component sees.
  std::uint16_t vid() const { return tag_count > 0 ? tags[0].vid : 0; }
  std::uint8_t pcp() const { return tag_count > 0 ? tags[0].pcp : 0; }
  bool dei() const { return tag_count > 0 && tags[0].dei; }
  bool layer2_valid() const { return !is_layer2_error(error); }
};

// `frame` starts at the destination MAC and excludes the FCS (as a NIC hands it over).
ParsedFrame parse_frame(std::span<const std::byte> frame);
inline ParsedFrame parse_frame(std::span<const std::uint8_t> frame) { return parse_frame(std::as_bytes(frame)); }

// Batch form for a burst from the NIC: out[i] = parse_frame(frames[i]); out must be at
// least as long as frames.
void parse_frames(std::span<const std::span<const std::byte>> frames, std::span<ParsedFrame> out);

}  // namespace takt
