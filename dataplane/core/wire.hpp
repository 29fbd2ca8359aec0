#pragma once
// Wire time of an Ethernet frame, exactly as DESIGN.md and IEEE 802.1Qcc define it.
// max-frame-size is the MAC client data (payload): header, VLAN tag, FCS, preamble/SFD and
// inter-frame gap are added here, and short payloads are padded to the 64 B minimum frame.
#include <algorithm>
#include <cstdint>

#include "time.hpp"

namespace takt {

inline constexpr std::int64_t kEthHeaderBytes = 14;
inline constexpr std::int64_t kVlanTagBytes = 4;
inline constexpr std::int64_t kFcsBytes = 4;
inline constexpr std::int64_t kPreambleSfdBytes = 8;
inline constexpr std::int64_t kInterFrameGapBytes = 12;
inline constexpr std::int64_t kMinFrameBytes = 64;  // header through FCS
inline constexpr std::int64_t kMaxStandardPayload = 1500;

// Bytes a frame occupies on the wire, preamble and IFG included, for a given payload.
constexpr std::int64_t wire_bytes_for_payload(std::int64_t payload, bool tagged) {
  const std::int64_t min_payload = tagged ? 42 : 46;
  return std::max(payload, min_payload) + kEthHeaderBytes + (tagged ? kVlanTagBytes : 0) + kFcsBytes +
         kPreambleSfdBytes + kInterFrameGapBytes;
}

// Bytes on the wire for a frame whose length (header included, FCS excluded) is known, as a
// dataplane sees it in a buffer.
constexpr std::int64_t wire_bytes_for_frame(std::int64_t frame_len_without_fcs) {
  return std::max(frame_len_without_fcs + kFcsBytes, kMinFrameBytes) + kPreambleSfdBytes + kInterFrameGapBytes;
}

// Transmission time of `bytes` at `rate_bps`, rounded up to whole nanoseconds so a window
// computed from it never comes out short.
constexpr Nanos transmission_time(std::int64_t bytes, std::int64_t rate_bps) {
  // bytes * 8e9 stays inside int64 for any frame or burst below a gigabyte.
  const std::int64_t num = bytes * 8 * 1'000'000'000;
  return Nanos{(num + rate_bps - 1) / rate_bps};
}

constexpr Nanos wire_time_for_payload(std::int64_t payload, bool tagged, std::int64_t rate_bps) {
  return transmission_time(wire_bytes_for_payload(payload, tagged), rate_bps);
}

static_assert(wire_time_for_payload(0, true, 1'000'000'000).count() == 672);
static_assert(wire_time_for_payload(1500, true, 1'000'000'000).count() == 12336);
static_assert(wire_time_for_payload(1500, true, 100'000'000).count() == 123360);

}  // namespace takt
