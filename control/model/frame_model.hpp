#pragma once
// What a stream's max-frame-size costs on the wire. takt's own model is Ethernet as IEEE
// 802.1Qcc defines it: max-frame-size is MAC client data, and header, VLAN tag, FCS,
// preamble/SFD, inter-frame gap and padding to the 64 B minimum come on top. Academic
// schedulers (TSNKit among them) solve a simpler problem: a frame of `size` bytes occupies the
// link for exactly size x 8 / rate, nothing added. A plant says which one it is planned in
// (defaults: frame-model), so the same planner and verifier answer either question exactly.
#include <cstdint>
#include <optional>
#include <string_view>

#include "dataplane/core/wire.hpp"

namespace takt::model {

enum class FrameModel {
  ethernet,    // max-frame-size is payload; Ethernet overhead added (dataplane/core/wire.hpp)
  wire_bytes,  // max-frame-size is every byte on the wire; nothing added
};

// Bytes one frame of `payload` occupies on the wire (`tagged`: it carries an 802.1Q tag).
constexpr std::int64_t frame_wire_bytes(FrameModel m, std::int64_t payload, bool tagged) {
  return m == FrameModel::wire_bytes ? payload : wire_bytes_for_payload(payload, tagged);
}

// Time one frame of `payload` occupies a link of `rate_bps`, rounded up to whole ns.
constexpr Nanos frame_wire_time(FrameModel m, std::int64_t payload, bool tagged, std::int64_t rate_bps) {
  return transmission_time(frame_wire_bytes(m, payload, tagged), rate_bps);
}

static_assert(frame_wire_time(FrameModel::wire_bytes, 50, true, 1'000'000'000).count() == 400);
static_assert(frame_wire_time(FrameModel::wire_bytes, 1, true, 3'000'000'000).count() == 3);  // ceil(8 / 3)
static_assert(frame_wire_time(FrameModel::ethernet, 1500, true, 1'000'000'000).count() == 12336);

// The plant's spelling: "ethernet", "wire-bytes".
constexpr const char* to_string(FrameModel m) { return m == FrameModel::wire_bytes ? "wire-bytes" : "ethernet"; }

constexpr std::optional<FrameModel> parse_frame_model(std::string_view s) {
  if (s == "ethernet") return FrameModel::ethernet;
  if (s == "wire-bytes") return FrameModel::wire_bytes;
  return std::nullopt;
}

}  // namespace takt::model
