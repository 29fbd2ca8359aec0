#include "dataplane/core/r_tag.hpp"

#include "dataplane/core/frame.hpp"

namespace takt {

namespace {

void put_be16(std::byte* p, std::uint16_t v) {
  p[0] = static_cast<std::byte>(v >> 8);
  p[1] = static_cast<std::byte>(v & 0xFF);
}

// The addresses and tags in front of an R-TAG: 12, 16 or 20 bytes, as ethertype_offset finds
// them. Copied through registers in sizes known at compile time: GCC calls the library's
// memmove for an overlapping move even of 12 bytes.
template <std::size_t N>
void move_fixed(std::byte* to, const std::byte* from) {
  std::byte held[N];
  std::memcpy(held, from, N);
  std::memcpy(to, held, N);
}

void move_header(std::byte* to, const std::byte* from, std::size_t bytes) {
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

}  // namespace

void insert_r_tag(std::span<std::byte> frame, std::size_t header_bytes, std::uint16_t sequence) {
  if (frame.size() < header_bytes + kRTagBytes) return;
  move_header(frame.data(), frame.data() + kRTagBytes, header_bytes);
  std::byte* tag = frame.data() + header_bytes;
  put_be16(tag, kEthertypeRTag);
  put_be16(tag + 2, 0);  // reserved
  put_be16(tag + 4, sequence);
}

void remove_r_tag(std::span<std::byte> frame, std::size_t header_bytes) {
  if (frame.size() < header_bytes + kRTagBytes) return;
  move_header(frame.data() + kRTagBytes, frame.data(), header_bytes);
}

}  // namespace takt
