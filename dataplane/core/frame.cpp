#include "dataplane/core/frame.hpp"

#include <algorithm>

namespace takt {

namespace {

// Every read goes through this view, which knows the span's end; callers check `has` first.
struct Bytes {
  std::span<const std::byte> data;
  bool has(std::size_t offset, std::size_t count) const {
    return offset <= data.size() && count <= data.size() - offset;
  }
  std::uint8_t u8(std::size_t at) const { return static_cast<std::uint8_t>(data[at]); }
  std::uint16_t u16(std::size_t at) const { return static_cast<std::uint16_t>((u8(at) << 8) | u8(at + 1)); }
};

MacAddress mac_at(const Bytes& b, std::size_t at) {
  MacAddress m;
  for (std::size_t i = 0; i < 6; ++i) m.octets[i] = b.u8(at + i);
  return m;
}

void ip_at(const Bytes& b, std::size_t at, std::size_t len, IpAddress& out) {
  if (len == 4) {
    out = IpAddress::v4(b.u8(at), b.u8(at + 1), b.u8(at + 2), b.u8(at + 3));
  } else {
    for (std::size_t i = 0; i < 16; ++i) out.bytes[i] = b.u8(at + i);
  }
}

// Reads the ports of a UDP or TCP header at `l4`, which must end by `end` (the IP datagram's
// end, so Ethernet padding is never mistaken for a transport header).
void parse_transport(const Bytes& b, std::size_t l4, std::size_t end, ParsedFrame& f) {
  const std::uint8_t proto = f.five_tuple.protocol;
  if (proto != kIpProtoUdp && proto != kIpProtoTcp) return;
  const std::size_t need = proto == kIpProtoUdp ? 8 : 20;
  if (l4 > end || end - l4 < need) {
    f.error = FrameError::truncated_transport_header;
    return;
  }
  f.five_tuple.source_port = b.u16(l4);
  f.five_tuple.destination_port = b.u16(l4 + 2);
  f.has_five_tuple = true;
}

void parse_ipv4(const Bytes& b, std::size_t l3, ParsedFrame& f) {
  if (!b.has(l3, 20)) {
    f.error = FrameError::truncated_ip_header;
    return;
  }
  const std::uint8_t ver_ihl = b.u8(l3);
  const std::size_t ihl_bytes = static_cast<std::size_t>(ver_ihl & 0x0F) * 4;
  const std::size_t total = b.u16(l3 + 2);
  if ((ver_ihl >> 4) != 4 || ihl_bytes < 20 || total < ihl_bytes) {
    f.error = FrameError::bad_ip_header;
    return;
  }
  if (!b.has(l3, total)) {
    f.error = FrameError::truncated_ip_header;
    return;
  }
  f.ip_version = 4;
  f.five_tuple.protocol = b.u8(l3 + 9);
  ip_at(b, l3 + 12, 4, f.five_tuple.source);
  ip_at(b, l3 + 16, 4, f.five_tuple.destination);
  const std::uint16_t fragment_offset = b.u16(l3 + 6) & 0x1FFF;
  if (fragment_offset != 0) return;  // only the first fragment carries the ports
  parse_transport(b, l3 + ihl_bytes, l3 + total, f);
}

void parse_ipv6(const Bytes& b, std::size_t l3, ParsedFrame& f) {
  if (!b.has(l3, 40)) {
    f.error = FrameError::truncated_ip_header;
    return;
  }
  if ((b.u8(l3) >> 4) != 6) {
    f.error = FrameError::bad_ip_header;
    return;
  }
  const std::size_t payload = b.u16(l3 + 4);
  // Payload length 0 means a jumbogram (RFC 2675); the frame's end is then the bound.
  const std::size_t end = payload == 0 ? b.data.size() : l3 + 40 + payload;
  if (end > b.data.size()) {
    f.error = FrameError::truncated_ip_header;
    return;
  }
  f.ip_version = 6;
  ip_at(b, l3 + 8, 16, f.five_tuple.source);
  ip_at(b, l3 + 24, 16, f.five_tuple.destination);
  std::uint8_t next = b.u8(l3 + 6);
  std::size_t at = l3 + 40;
  // Extension headers are walked a bounded number of times: a crafted chain must not make
  // the per-frame cost unbounded.
  constexpr int kMaxExtensionHeaders = 8;
  for (int i = 0;; ++i) {
    const bool is_ext = next == 0 || next == 43 || next == 60 || next == 44 || next == 51;
    if (!is_ext) break;
    if (i == kMaxExtensionHeaders) {
      f.error = FrameError::too_many_ipv6_extension_headers;
      return;
    }
    if (at > end || end - at < 8) {
      f.error = FrameError::truncated_ip_header;
      return;
    }
    std::size_t len = 0;
    if (next == 44) {
      len = 8;
      if ((b.u16(at + 2) >> 3) != 0) {  // not the first fragment: no transport header here
        f.five_tuple.protocol = b.u8(at);
        return;
      }
    } else if (next == 51) {
      len = (static_cast<std::size_t>(b.u8(at + 1)) + 2) * 4;  // AH counts 4-octet units
    } else {
      len = (static_cast<std::size_t>(b.u8(at + 1)) + 1) * 8;
    }
    next = b.u8(at);
    at += len;
  }
  f.five_tuple.protocol = next;
  parse_transport(b, at, end, f);
}

}  // namespace

std::string_view to_string(FrameError e) {
  switch (e) {
    case FrameError::none:
      return "none";
    case FrameError::truncated_ethernet_header:
      return "truncated-ethernet-header";
    case FrameError::truncated_vlan_tag:
      return "truncated-vlan-tag";
    case FrameError::truncated_ip_header:
      return "truncated-ip-header";
    case FrameError::bad_ip_header:
      return "bad-ip-header";
    case FrameError::truncated_transport_header:
      return "truncated-transport-header";
    case FrameError::too_many_ipv6_extension_headers:
      return "too-many-ipv6-extension-headers";
  }
  return "unknown";
}

ParsedFrame parse_frame(std::span<const std::byte> frame) {
  ParsedFrame f;
  const Bytes b{frame};
  if (!b.has(0, 14)) {
    f.error = FrameError::truncated_ethernet_header;
    return f;
  }
  f.destination = mac_at(b, 0);
  f.source = mac_at(b, 6);
  std::size_t at = 12;
  std::uint16_t type = b.u16(at);
  // Accepted stacks: C, S, S+C. Anything after a C-tag is the payload's ethertype.
  while ((type == kTpidServiceVlan && f.tag_count == 0) || (type == kTpidCustomerVlan && f.tag_count < 2)) {
    if (!b.has(at, 6)) {
      f.error = FrameError::truncated_vlan_tag;
      return f;
    }
    const std::uint16_t tci = b.u16(at + 2);
    VlanTag& tag = f.tags[f.tag_count++];
    tag.tpid = type;
    tag.pcp = static_cast<std::uint8_t>(tci >> 13);
    tag.dei = ((tci >> 12) & 1U) != 0;
    tag.vid = tci & 0x0FFF;
    at += 4;
    type = b.u16(at);
    if (tag.tpid == kTpidCustomerVlan) break;
  }
  f.ethertype = type;
  f.l3_offset = static_cast<std::uint16_t>(at + 2);
  if (type == kEthertypeIpv4) {
    parse_ipv4(b, f.l3_offset, f);
  } else if (type == kEthertypeIpv6) {
    parse_ipv6(b, f.l3_offset, f);
  }
  return f;
}

void parse_frames(std::span<const std::span<const std::byte>> frames, std::span<ParsedFrame> out) {
  const std::size_t n = std::min(frames.size(), out.size());
  for (std::size_t i = 0; i < n; ++i) out[i] = parse_frame(frames[i]);
}

}  // namespace takt
