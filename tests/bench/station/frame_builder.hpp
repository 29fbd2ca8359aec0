#pragma once
// Frames as bytes, from the destination MAC to the end of the payload (no FCS), the way
// BPF_PROG_TEST_RUN takes them as data_in: the frames an end station sends and receives that
// bench_station runs takt-station's programs on.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/core/five_tuple.hpp"
#include "dataplane/core/mac_address.hpp"

namespace takt::station::bench {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEthertypeArp = 0x0806;
inline constexpr std::uint16_t kEthertypeVlan = 0x8100;
inline constexpr std::uint16_t kEthertypePtp = 0x88F7;

// An untagged UDP datagram over IPv4 as an unmodified application sends it (addresses
// IPv4-mapped, as IpAddress holds them; the IPv4 header checksum right, the UDP one 0).
struct UdpFrame {
  MacAddress destination;
  MacAddress source;
  IpAddress source_ip;
  IpAddress destination_ip;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::uint8_t dscp = 0;
  std::size_t payload_bytes = 64;
};

Bytes udp_ipv4_frame(const UdpFrame& frame);

// An IEEE 1588 Sync message to the PTP multicast address 01-1B-19-00-00-00, as ptp4l sends it
// over Ethernet (what every station sends and no stream claims).
Bytes ptp_sync_frame(const MacAddress& source);

// An ARP request (broadcast, padded to Ethernet's minimum frame).
Bytes arp_request_frame(const MacAddress& source, const IpAddress& sender, const IpAddress& target);

// The frame with an 802.1Q C-tag (TPID 0x8100, `tci` = PCP << 13 | VLAN id) inserted after the
// source address: the tag inline in the bytes, as a test run's skb carries it.
Bytes with_vlan_tag(const Bytes& untagged, std::uint16_t tci);

}  // namespace takt::station::bench
