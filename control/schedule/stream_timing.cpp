#include "control/schedule/stream_timing.hpp"

#include <algorithm>
#include <cstdint>

#include "control/schedule/traffic_class_map.hpp"
#include "dataplane/core/wire.hpp"
#include "dataplane/core/r_tag.hpp"

namespace takt::schedule {

std::int64_t StreamTiming::gap(int u, int h) const {
  const auto& up = hops[static_cast<std::size_t>(u)];
  const auto& dn = hops[static_cast<std::size_t>(h)];
  // Frame j of the burst arrives (j + 1) * up.frame_wire after the upstream start but leaves at
  // j * dn.frame_wire after ours: a slower upstream link pushes the later frames' constraint.
  const std::int64_t burst = up.frame_wire + std::max<std::int64_t>(0, (frames - 1) * (up.frame_wire - dn.frame_wire));
  return up.launch_error + burst + up.propagation + dn.processing_max + sync;
}

std::int64_t StreamTiming::earliest_enqueue(int u, int h) const {
  const auto& up = hops[static_cast<std::size_t>(u)];
  const auto& dn = hops[static_cast<std::size_t>(h)];
  return up.frame_wire + up.propagation + dn.processing_min - sync;
}

StreamTiming derive_timing(const routing::Topology& topo, const routing::StreamRoute& route, const model::Stream& s,
                           Nanos sync_error_budget, model::FrameModel frame_model) {
  StreamTiming t;
  t.sync = sync_error_budget.count();
  // The largest frame every node on the route carries: jumbo only where all of them take it,
  // as the loader's max-frame-size check has it.
  t.mtu = INT64_MAX;
  for (const auto& h : route.hops) {
    if (h.arc >= 0) {
      t.mtu = std::min(
          {t.mtu, topo.profile(topo.arc(h.arc).from).max_frame_size, topo.profile(topo.arc(h.arc).to).max_frame_size});
      continue;
    }
    for (const auto* name : {&h.egress.node, &h.ingress.node}) {
      const int n = topo.node_index(*name);
      if (n >= 0) t.mtu = std::min(t.mtu, topo.profile(n).max_frame_size);
    }
  }
  if (t.mtu == INT64_MAX) t.mtu = kMaxStandardPayload;
  t.mtu = std::max<std::int64_t>(t.mtu, 1);
  const std::int64_t size = std::max<std::int64_t>(s.max_frame_size, 1);
  const std::int64_t fragments = (size + t.mtu - 1) / t.mtu;
  t.payload = (size + fragments - 1) / fragments;
  t.frames = static_cast<int>(fragments) * std::max(1, s.max_frames_per_interval);
  t.hops.reserve(route.hops.size());
  for (const auto& h : route.hops) {
    HopTiming ht;
    ht.arc = h.arc >= 0 ? h.arc : topo.arc_at(h.egress);
    const auto& arc = topo.arc(ht.arc);
    const auto& prof = topo.profile(arc.from);
    ht.traffic_class = priority_to_traffic_class(prof.queues)[static_cast<std::size_t>(std::clamp(s.pcp, 0, 7))];
    // A redundant stream's frames carry an 802.1CB R-TAG between the bridges that add and remove
    // it; every hop is sized for the tagged frame, so no window depends on where that is.
    const std::int64_t wire_payload =
        t.payload + (route.trees.size() > 1 ? static_cast<std::int64_t>(kRTagBytes) : std::int64_t{0});
    ht.frame_wire = model::frame_wire_time(frame_model, wire_payload, true, arc.rate_bps).count();
    ht.launch_error = prof.transmission_timing_error.count();
    ht.length = ht.frame_wire * t.frames + ht.launch_error;
    ht.propagation = arc.propagation.count();
    if (topo.is_bridge(arc.from)) {
      ht.processing_min = prof.processing_delay_min.count();
      ht.processing_max = prof.processing_delay_max.count();
    }
    ht.into_listener = std::find(s.listeners.begin(), s.listeners.end(), h.ingress.node) != s.listeners.end();
    t.hops.push_back(ht);
  }
  t.tail.assign(t.hops.size(), 0);
  for (std::size_t h = 0; h < t.hops.size(); ++h)
    if (t.hops[h].into_listener) t.tail[h] = t.hops[h].length + t.hops[h].propagation + t.sync;
  // Upstream hops come first, so walking backwards each hop's tail is final before it is
  // handed to the hops that feed it.
  for (int c = static_cast<int>(t.hops.size()) - 1; c >= 0; --c)
    for (int u : route.hops[static_cast<std::size_t>(c)].upstream) {
      auto& tail = t.tail[static_cast<std::size_t>(u)];
      tail = std::max(tail, t.gap(u, c) + t.tail[static_cast<std::size_t>(c)]);
    }
  return t;
}

}  // namespace takt::schedule
