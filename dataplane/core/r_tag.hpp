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

namespace takt {

inline constexpr std::uint16_t kEthertypeRTag = 0xF1C1;
inline constexpr std::size_t kRTagBytes = 6;

// Offset of the EtherType that follows the frame's VLAN tags (S-tag and C-tag, as parse_frame
// accepts them): 12, 16 or 20. Empty when the frame is too short to hold it.
std::optional<std::size_t> ethertype_offset(std::span<const std::byte> frame);

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

RTagRead read_r_tag(std::span<const std::byte> frame);

// Inserts an R-TAG at `header_bytes` (the EtherType offset). `frame` must start six bytes before
// the old frame start and hold the old frame after them: the first `header_bytes` are moved to
// the front and the tag written behind them.
void insert_r_tag(std::span<std::byte> frame, std::size_t header_bytes, std::uint16_t sequence);

// Removes the R-TAG at `header_bytes`: the addresses and VLAN tags in front of it move six bytes
// towards the payload. The frame then starts at frame.data() + kRTagBytes.
void remove_r_tag(std::span<std::byte> frame, std::size_t header_bytes);

}  // namespace takt
