#pragma once
// IEEE 802.1CB redundancy tag (R-TAG, 7.8): EtherType 0xF1C1, two reserved octets and a 16-bit
// sequence number, placed after the VLAN tags and in front of the frame's own EtherType. The
// bridge that generates sequence numbers inserts it; the bridge that recovers them removes it,
// so talkers and listeners never see it.
//
// These functions work on the frame's bytes and never read or write outside the span they are
// given; moving the buffer's start by six bytes (headroom) is the caller's job.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "dataplane/core/frame.hpp"

namespace takt {

inline constexpr std::uint16_t kEthertypeRTag = 0xF1C1;
inline constexpr std::size_t kRTagBytes = 6;

namespace detail {
inline std::uint16_t r_tag_be16(const std::byte* p) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) | std::to_integer<unsigned>(p[1]));
}
}  // namespace detail

// Offset of the EtherType that follows the frame's VLAN tags (S-tag and C-tag, as parse_frame
// accepts them): 12, 16 or 20. Empty when the frame is too short to hold it. Inline, as
// read_r_tag: the packet path asks per frame.
inline std::optional<std::size_t> ethertype_offset(std::span<const std::byte> frame) {
  std::size_t offset = 12;
  // The tag stack parse_frame accepts: an optional S-tag, then an optional C-tag.
  for (int tags = 0; tags < 2; ++tags) {
    if (frame.size() < offset + 2) return std::nullopt;
    const std::uint16_t type = detail::r_tag_be16(frame.data() + offset);
    const bool s_tag_first = tags == 0 && type == kTpidServiceVlan;
    if (type != kTpidCustomerVlan && !s_tag_first) break;
    offset += 4;
    if (type == kTpidCustomerVlan) break;  // a C-tag ends the stack
  }
  if (frame.size() < offset + 2) return std::nullopt;
  return offset;
}

enum class RTagState : std::uint8_t {
  absent,     // the EtherType after the tags is not 0xF1C1
  present,    // sequence number valid
  truncated,  // 0xF1C1 announced, fewer than six octets (and the inner EtherType) follow
};

struct RTagRead {
  RTagState state = RTagState::absent;
  std::uint16_t sequence = 0;
  std::size_t offset = 0;  // of the R-TAG's EtherType (when present: where it is; absent: where it would go)
};

inline RTagRead read_r_tag(std::span<const std::byte> frame) {
  RTagRead r;
  const auto offset = ethertype_offset(frame);
  if (!offset) {
    r.state = RTagState::truncated;  // not even an EtherType: the caller drops it anyway
    return r;
  }
  r.offset = *offset;
  if (detail::r_tag_be16(frame.data() + *offset) != kEthertypeRTag) return r;
  if (frame.size() < *offset + kRTagBytes + 2) {
    r.state = RTagState::truncated;
    return r;
  }
  r.state = RTagState::present;
  r.sequence = detail::r_tag_be16(frame.data() + *offset + 4);
  return r;
}

namespace detail {
inline void put_r_tag_be16(std::byte* p, std::uint16_t v) {
  p[0] = static_cast<std::byte>(v >> 8);
  p[1] = static_cast<std::byte>(v & 0xFF);
}

// The addresses and tags in front of an R-TAG: 12, 16 or 20 bytes, as ethertype_offset finds
// them. Copied in sizes known at compile time, all loads before all stores, in words held in
// registers: GCC calls the library's memmove for an overlapping move even of 12 bytes, and a byte
// array in between makes it keep a copy on the stack as well.
template <std::size_t N>
inline void move_fixed(std::byte* to, const std::byte* from) {
  static_assert(N % 4 == 0 && N <= 24);
  constexpr std::size_t kWords = N / 8;
  std::uint64_t words[kWords];
  for (std::size_t i = 0; i < kWords; ++i) std::memcpy(&words[i], from + 8 * i, 8);
  std::uint32_t tail = 0;
  if constexpr (N % 8 != 0) std::memcpy(&tail, from + 8 * kWords, 4);
  for (std::size_t i = 0; i < kWords; ++i) std::memcpy(to + 8 * i, &words[i], 8);
  if constexpr (N % 8 != 0) std::memcpy(to + 8 * kWords, &tail, 4);
}

inline void move_header(std::byte* to, const std::byte* from, std::size_t bytes) {
  switch (bytes) {
    case 12:
      move_fixed<12>(to, from);
      return;
    case 16:
      move_fixed<16>(to, from);
      return;
    case 20:
      move_fixed<20>(to, from);
      return;
    default:
      std::memmove(to, from, bytes);
  }
}
}  // namespace detail

// Inserts an R-TAG at `header_bytes` (the EtherType offset). `frame` must start six bytes before
// the old frame start and hold the old frame after them: the first `header_bytes` are moved to
// the front and the tag written behind them. Inline, as read_r_tag: the packet path runs it per
// frame.
inline void insert_r_tag(std::span<std::byte> frame, std::size_t header_bytes, std::uint16_t sequence) {
  if (frame.size() < header_bytes + kRTagBytes) return;
  detail::move_header(frame.data(), frame.data() + kRTagBytes, header_bytes);
  std::byte* tag = frame.data() + header_bytes;
  detail::put_r_tag_be16(tag, kEthertypeRTag);
  detail::put_r_tag_be16(tag + 2, 0);  // reserved
  detail::put_r_tag_be16(tag + 4, sequence);
}

// Removes the R-TAG at `header_bytes`: the addresses and VLAN tags in front of it move six bytes
// towards the payload. The frame then starts at frame.data() + kRTagBytes.
inline void remove_r_tag(std::span<std::byte> frame, std::size_t header_bytes) {
  if (frame.size() < header_bytes + kRTagBytes) return;
  detail::move_header(frame.data() + kRTagBytes, frame.data(), header_bytes);
}

}  // namespace takt
