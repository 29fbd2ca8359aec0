#include "tests/bench/station/frame_builder.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace takt::station::bench {
namespace {

constexpr std::size_t kMinimumFrame = 60;  // Ethernet's 64 bytes without the FCS
constexpr std::size_t kEthernetHeader = 14;

// Writes into a frame sized up front: byte by byte at an index, never growing the vector (GCC
// 12's -O3 warns falsely about inserting into a growing std::vector<uint8_t>).
class Writer {
 public:
  explicit Writer(std::size_t bytes) : out_(std::max(bytes, kMinimumFrame), 0) {}

  void u8(std::uint8_t v) { out_.at(at_++) = v; }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v & 0xFF));
  }
  void mac(const MacAddress& m) {
    for (auto o : m.octets) u8(o);
  }
  // The IPv4 part of an IPv4-mapped address.
  void ipv4(const IpAddress& ip) {
    if (!ip.is_v4_mapped()) throw std::invalid_argument("frame_builder: an IPv4 frame needs IPv4-mapped addresses");
    for (std::size_t i = 12; i < 16; ++i) u8(ip.bytes[i]);
  }
  void ethernet(const MacAddress& destination, const MacAddress& source, std::uint16_t type) {
    mac(destination);
    mac(source);
    u16(type);
  }
  std::size_t at() const { return at_; }
  Bytes& bytes() { return out_; }

 private:
  Bytes out_;  // padded to Ethernet's minimum with zeros
  std::size_t at_ = 0;
};

std::uint16_t ipv4_checksum(const std::uint8_t* header, std::size_t bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < bytes; i += 2) sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

}  // namespace

Bytes udp_ipv4_frame(const UdpFrame& f) {
  constexpr std::size_t kIpHeader = 20;
  constexpr std::size_t kUdpHeader = 8;
  Writer w(kEthernetHeader + kIpHeader + kUdpHeader + f.payload_bytes);
  w.ethernet(f.destination, f.source, kEthertypeIpv4);
  const std::size_t ip_start = w.at();
  w.u8(0x45);  // version 4, 5 words of header
  w.u8(static_cast<std::uint8_t>(f.dscp << 2));
  w.u16(static_cast<std::uint16_t>(kIpHeader + kUdpHeader + f.payload_bytes));
  w.u16(0x1234);  // identification
  w.u16(0x4000);  // don't fragment
  w.u8(64);       // TTL
  w.u8(kIpProtoUdp);
  w.u16(0);  // checksum, below
  w.ipv4(f.source_ip);
  w.ipv4(f.destination_ip);
  auto& out = w.bytes();
  const std::uint16_t checksum = ipv4_checksum(out.data() + ip_start, kIpHeader);
  out[ip_start + 10] = static_cast<std::uint8_t>(checksum >> 8);
  out[ip_start + 11] = static_cast<std::uint8_t>(checksum & 0xFF);
  w.u16(f.source_port);
  w.u16(f.destination_port);
  w.u16(static_cast<std::uint16_t>(kUdpHeader + f.payload_bytes));
  w.u16(0);  // no UDP checksum: the programs never read it
  for (std::size_t i = 0; i < f.payload_bytes; ++i) w.u8(static_cast<std::uint8_t>(i));
  return std::move(w.bytes());
}

Bytes ptp_sync_frame(const MacAddress& source) {
  constexpr MacAddress kPtpMulticast{{0x01, 0x1B, 0x19, 0x00, 0x00, 0x00}};
  constexpr std::size_t kSync = 44;  // 34 bytes of header, 10 of origin timestamp
  Writer w(kEthernetHeader + kSync);
  w.ethernet(kPtpMulticast, source, kEthertypePtp);
  w.u8(0x00);  // messageType Sync, majorSdoId 0
  w.u8(0x02);  // versionPTP 2
  w.u16(kSync);
  for (int i = 0; i < 16; ++i) w.u8(0);  // domain, flags, correction, reserved
  // clockIdentity from the source address (EUI-48 to EUI-64), port number 1
  for (std::size_t i = 0; i < 3; ++i) w.u8(source.octets[i]);
  w.u8(0xFF);
  w.u8(0xFE);
  for (std::size_t i = 3; i < 6; ++i) w.u8(source.octets[i]);
  w.u16(1);
  // sequenceId, controlField, logMessageInterval and the origin timestamp stay zero
  return std::move(w.bytes());
}

Bytes arp_request_frame(const MacAddress& source, const IpAddress& sender, const IpAddress& target) {
  constexpr MacAddress kBroadcast{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};
  constexpr std::size_t kArp = 28;
  Writer w(kEthernetHeader + kArp);
  w.ethernet(kBroadcast, source, kEthertypeArp);
  w.u16(1);  // Ethernet
  w.u16(kEthertypeIpv4);
  w.u8(6);
  w.u8(4);
  w.u16(1);  // request
  w.mac(source);
  w.ipv4(sender);
  w.mac(MacAddress{});
  w.ipv4(target);
  return std::move(w.bytes());
}

Bytes with_vlan_tag(const Bytes& untagged, std::uint16_t tci) {
  constexpr std::size_t kAddresses = 12;
  if (untagged.size() < kEthernetHeader) throw std::invalid_argument("with_vlan_tag: shorter than an Ethernet header");
  Bytes out(untagged.size() + 4);
  std::copy(untagged.begin(), untagged.begin() + kAddresses, out.begin());
  out[12] = static_cast<std::uint8_t>(kEthertypeVlan >> 8);
  out[13] = static_cast<std::uint8_t>(kEthertypeVlan & 0xFF);
  out[14] = static_cast<std::uint8_t>(tci >> 8);
  out[15] = static_cast<std::uint8_t>(tci & 0xFF);
  std::copy(untagged.begin() + kAddresses, untagged.end(), out.begin() + kAddresses + 4);
  return out;
}

}  // namespace takt::station::bench
