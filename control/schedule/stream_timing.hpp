#pragma once
// The fixed timing facts of one scheduled stream on its route, derived once before placement:
// how many frames it sends per interval, their wire time on each hop, and the minimum spacing
// between a hop's window and the next (store-and-forward, propagation, max processing delay,
// sync error budget). Placement then only chooses offsets.
#include <cstdint>
#include <vector>

#include "control/model/plant.hpp"
#include "control/routing/route.hpp"
#include "control/routing/topology.hpp"

namespace takt::schedule {

struct HopTiming {
  int arc = -1;
  int traffic_class = 0;
  std::int64_t frame_wire = 0;  // one frame at this link's rate, ns
  // How late the transmitting node may start a ready frame (its profile's
  // transmission-timing-error): part of the window, and the next hop waits for it.
  std::int64_t launch_error = 0;
  std::int64_t length = 0;  // all frames of one interval back to back, plus launch_error
  std::int64_t propagation = 0;
  std::int64_t processing_min = 0;  // of the node transmitting on this hop
  std::int64_t processing_max = 0;
  bool into_listener = false;
};

struct StreamTiming {
  int frames = 1;            // per interval, on the wire
  std::int64_t payload = 0;  // per frame
  std::int64_t mtu = 0;      // smallest max_frame_size along the route
  std::int64_t sync = 0;
  std::vector<HopTiming> hops;
  std::vector<std::int64_t> tail;  // least time from a hop's window start to the last bit at its farthest listener

  // Least distance from upstream hop u's window start to hop h's window start: the last frame
  // of the burst must be fully received, processed and queued, under the worst clock error.
  std::int64_t gap(int u, int h) const;
  // Earliest time after u's window start that the first frame can sit in h's queue.
  std::int64_t earliest_enqueue(int u, int h) const;
};

// `pcp_to_class(arc, pcp)` gives the queue a frame takes at an egress port.
StreamTiming derive_timing(const routing::Topology& topo, const routing::StreamRoute& route, const model::Stream& s,
                           Nanos sync_error_budget, model::FrameModel frame_model = model::FrameModel::ethernet);

}  // namespace takt::schedule
