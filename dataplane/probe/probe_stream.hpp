#pragma once
// One stream as takt-probe sees it: what the talker needs to send it on schedule, and what the
// listener needs to judge it (its max-latency).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/core/mac_address.hpp"
#include "dataplane/core/time.hpp"

namespace takt::probe {

struct ProbeStream {
  std::string name;
  std::uint32_t id = 0;  // probe_stream_id(name), carried in every frame
  Nanos interval{0};
  // Offset of the first frame within the interval; none for streams without a reserved window
  // (bounded latency, best effort), which the talker sends at the start of the interval.
  std::optional<Nanos> offset;
  int frames_per_interval = 1;
  std::int64_t payload_bytes = 0;  // MAC client data, as the plan's frame payload
  std::optional<MacAddress> destination;
  int vlan = 0;  // 0: send untagged
  int pcp = 0;
  std::optional<Nanos> max_latency;  // the listener's deadline, when the file gives one
};

// 32-bit FNV-1a of the stream name: talker and listener agree on it without sharing an index,
// whatever subset of streams each one runs.
std::uint32_t probe_stream_id(std::string_view name) noexcept;

// Throws std::invalid_argument naming both streams when two names hash to the same id.
void check_unique_ids(const std::vector<ProbeStream>& streams);

}  // namespace takt::probe
