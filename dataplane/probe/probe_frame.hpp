#pragma once
// The Ethernet frame a talker sends for a stream: destination and VLAN tag from the plan, the
// talker's own source address, the probe EtherType, then the probe header padded to the
// stream's frame payload. Built once per stream; per frame only the header's sequence number
// and transmit time change (stamp()).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/core/mac_address.hpp"
#include "dataplane/probe/probe_header.hpp"
#include "dataplane/probe/probe_stream.hpp"

namespace takt::probe {

struct ProbeFrame {
  std::vector<std::byte> bytes;  // from the destination MAC, without FCS
  std::size_t payload_offset = 0;

  std::span<std::byte> payload() { return std::span(bytes).subspan(payload_offset); }
};

// Payload actually sent: the stream's frame payload, raised to what the probe header needs
// and to Ethernet's minimum frame (42 bytes payload tagged, 46 untagged).
std::size_t probe_payload_bytes(const ProbeStream& stream);

// Tagged (C-tag, TPID 0x8100) when the stream has a VLAN id or a PCP. Throws
// std::invalid_argument when the stream has no destination MAC.
ProbeFrame build_probe_frame(const ProbeStream& stream, const MacAddress& source, std::uint32_t session);

}  // namespace takt::probe
