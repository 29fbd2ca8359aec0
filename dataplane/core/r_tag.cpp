#include "dataplane/core/r_tag.hpp"

#include "dataplane/core/frame.hpp"

namespace takt {

namespace {

std::uint16_t be16(const std::byte* p) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) | std::to_integer<unsigned>(p[1]));
}

void put_be16(std::byte* p, std::uint16_t v) {
  p[0] = static_cast<std::byte>(v >> 8);
  p[1] = static_cast<std::byte>(v & 0xFF);
}

}  // namespace

std::optional<std::size_t> ethertype_offset(std::span<const std::byte> frame) {
  std::size_t offset = 12;
  // The tag stack parse_frame accepts: an optional S-tag, then an optional C-tag.
  for (int tags = 0; tags < 2; ++tags) {
    if (frame.size() < offset + 2) return std::nullopt;
    const std::uint16_t type = be16(frame.data() + offset);
    const bool s_tag_first = tags == 0 && type == kTpidServiceVlan;
    if (type != kTpidCustomerVlan && !s_tag_first) break;
    offset += 4;
    if (type == kTpidCustomerVlan) break;  // a C-tag ends the stack
  }
  if (frame.size() < offset + 2) return std::nullopt;
  return offset;
}

RTagRead read_r_tag(std::span<const std::byte> frame) {
  RTagRead r;
  const auto offset = ethertype_offset(frame);
  if (!offset) {
    r.state = RTagState::truncated;  // not even an EtherType: the caller drops it anyway
    return r;
  }
  r.offset = *offset;
  if (be16(frame.data() + *offset) != kEthertypeRTag) return r;
  if (frame.size() < *offset + kRTagBytes + 2) {
    r.state = RTagState::truncated;
    return r;
  }
  r.state = RTagState::present;
  r.sequence = be16(frame.data() + *offset + 4);
  return r;
}

void insert_r_tag(std::span<std::byte> frame, std::size_t header_bytes, std::uint16_t sequence) {
  if (frame.size() < header_bytes + kRTagBytes) return;
  std::memmove(frame.data(), frame.data() + kRTagBytes, header_bytes);
  std::byte* tag = frame.data() + header_bytes;
  put_be16(tag, kEthertypeRTag);
  put_be16(tag + 2, 0);  // reserved
  put_be16(tag + 4, sequence);
}

void remove_r_tag(std::span<std::byte> frame, std::size_t header_bytes) {
  if (frame.size() < header_bytes + kRTagBytes) return;
  std::memmove(frame.data() + kRTagBytes, frame.data(), header_bytes);
}

}  // namespace takt
