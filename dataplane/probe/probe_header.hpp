#pragma once
// The header takt-probe puts at the start of every frame payload, right after the EtherType:
// which stream, which frame of it, and when the talker handed it to the kernel (TAI ns). Big
// endian on the wire, like every other field of the frame, so a capture reads the same on any
// host.
//
//   offset  size  field
//   0       4     magic "TKPR"
//   4       1     version (1)
//   5       3     reserved, zero
//   8       4     stream id (probe_stream_id of the stream name)
//   12      4     talker session: random per talker run, so a restarted talker is not taken
//                 for a burst of duplicates or reordering
//   16      8     sequence number: 0, 1, 2 ... per stream and session, one per frame sent
//   24      8     transmit time, TAI ns (signed)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "dataplane/core/time.hpp"

namespace takt::probe {

// IEEE 802 "Local Experimental Ethertype 1": for protocols that are not to be deployed in
// products, which is what a measurement probe on a test cell is.
inline constexpr std::uint16_t kProbeEthertype = 0x88B5;
inline constexpr std::uint32_t kProbeMagic = 0x544B5052;  // "TKPR"
inline constexpr std::uint8_t kProbeVersion = 1;

struct ProbeHeader {
  static constexpr std::size_t size = 32;

  std::uint32_t stream_id = 0;
  std::uint32_t session = 0;
  std::uint64_t sequence = 0;
  TaiTime transmit_time{};

  friend bool operator==(const ProbeHeader&, const ProbeHeader&) = default;
};

// Writes the header into the first ProbeHeader::size bytes of `payload`; returns false (and
// writes nothing) when the payload is shorter.
bool encode(const ProbeHeader& header, std::span<std::byte> payload) noexcept;

// Only the fields that change per frame, for a talker that keeps a prepared frame per stream.
void stamp(std::span<std::byte> payload, std::uint64_t sequence, TaiTime transmit_time) noexcept;

// Reads a header from the start of `payload`: nullopt when it is too short, the magic is not
// ours or the version is one this build does not know.
std::optional<ProbeHeader> decode(std::span<const std::byte> payload) noexcept;

}  // namespace takt::probe
