#include "dataplane/probe/probe_frame.hpp"

#include <algorithm>
#include <stdexcept>

#include "dataplane/core/frame.hpp"

namespace takt::probe {

namespace {

bool tagged(const ProbeStream& s) { return s.vlan != 0 || s.pcp != 0; }

void put16(std::vector<std::byte>& out, std::uint16_t v) {
  out.push_back(static_cast<std::byte>(v >> 8));
  out.push_back(static_cast<std::byte>(v & 0xFF));
}

}  // namespace

std::size_t probe_payload_bytes(const ProbeStream& stream) {
  const std::size_t ethernet_minimum = tagged(stream) ? 42 : 46;
  return std::max({static_cast<std::size_t>(stream.payload_bytes), ProbeHeader::size, ethernet_minimum});
}

ProbeFrame build_probe_frame(const ProbeStream& stream, const MacAddress& source, std::uint32_t session) {
  if (!stream.destination)
    throw std::invalid_argument("stream '" + stream.name +
                                "' has no destination-mac; the talker cannot address its frames");
  ProbeFrame f;
  for (auto o : stream.destination->octets) f.bytes.push_back(std::byte{o});
  for (auto o : source.octets) f.bytes.push_back(std::byte{o});
  if (tagged(stream)) {
    put16(f.bytes, kTpidCustomerVlan);
    put16(f.bytes, static_cast<std::uint16_t>((stream.pcp << 13) | (stream.vlan & 0x0FFF)));
  }
  put16(f.bytes, kProbeEthertype);
  f.payload_offset = f.bytes.size();
  f.bytes.resize(f.payload_offset + probe_payload_bytes(stream), std::byte{0});
  encode(ProbeHeader{stream.id, session, 0, TaiTime{}}, f.payload());
  return f;
}

}  // namespace takt::probe
