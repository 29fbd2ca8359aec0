#pragma once
// What a traffic-class queue holds for one frame. The packet itself stays where the I/O layer
// put it (an rte_mbuf in the DPDK dataplane, an index in the simulator).
#include <cstdint>

#include "dataplane/core/stream_id.hpp"
#include "dataplane/core/time.hpp"

namespace takt {

struct FrameDescriptor {
  void* packet = nullptr;
  std::uint32_t length = 0;  // bytes from destination MAC up to, not including, the FCS
  StreamHandle stream = kNoStream;
  TaiTime enqueue_time{};  // for residence-time telemetry
};

// Transmission selection needs a frame's length; descriptor types other than FrameDescriptor
// provide the same member or overload this function.
template <class D>
constexpr std::int64_t frame_length_of(const D& d) {
  return static_cast<std::int64_t>(d.length);
}

}  // namespace takt
