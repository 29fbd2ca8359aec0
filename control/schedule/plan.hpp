#pragma once
// A plan: what the controller decided for a plant. Routes for every stream; for scheduled
// streams a talker offset and one transmission window per hop; for every egress port that
// carries scheduled traffic its cycle, windows and gate control list. Exporters (YANG JSON,
// taprio, talker offsets, TSNKit, SVG) read only this; plan.json is this, versioned.
//
// Time base: every offset is relative to a common epoch shared by all clocks (TAI 0). Stream
// interval k starts at k * interval; a port's gate cycle n starts at n * cycle_time. Installing
// a plan therefore needs an admin-base-time that is a multiple of `hyperperiod`.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/model/plant.hpp"
#include "dataplane/core/time.hpp"

namespace takt::schedule {

inline constexpr const char* kPlanFormat = "takt-plan/1";

// One transmission of a stream's frames out of one egress port, identical in every interval.
struct Hop {
  model::PortRef egress;      // transmitting port
  model::PortRef ingress;     // receiving port at the far end of the link
  std::vector<int> upstream;  // hops that bring the frame to egress.node; empty = talker sends
  int traffic_class = 0;      // queue at the egress port (gate-states bit)
  // Window start relative to the start of the stream's interval; may exceed the interval when a
  // frame is still in flight as the next interval begins. Zero-width waits are implicit: the
  // window opens no earlier than every upstream window start + upstream frame wire time +
  // propagation + max processing delay + sync error budget.
  Nanos offset{0};
  // All frames of one interval back to back at this link's rate, plus the transmitting node's
  // transmission timing error: a frame may start that late and still ends inside the window.
  Nanos length{0};
  Nanos frame_wire_time{0};   // wire time of one full frame at this link's rate
  Nanos propagation{0};       // of the link behind this port
  std::int64_t rate_bps = 0;  // of the link behind this port
  // The gate of this window may already be open when the frame is queued (the gap before the
  // window was merged into the scheduled phase before it), so the frame may leave as soon as it
  // arrives. The synthesiser placed every downstream window and queue for that earlier
  // departure; the gate control list builder merges the gap before a window only when this is
  // set or the window is the talker's (a talker hands its frames over at its offset).
  bool may_leave_early = false;
  // Of the transmitting node's profile: the part of `length` that is not wire time.
  Nanos transmission_timing_error{0};
  // The internal priority value (802.1Qci stream gate admin-ipv) the transmitting bridge gives
  // the stream's frames so they wait in `traffic_class` rather than in their own priority's
  // queue (Plant defaults.pcp.scheduled-ipv); -1: the frame's own priority decides. Every hop out
  // of one bridge has the same value, as a bridge has one stream gate per stream and ingress.
  int internal_priority = -1;
};

// Worst case for one listener: talker transmission start to last bit received, incl. clock error.
struct ListenerTiming {
  std::string listener;
  Nanos worst_case_latency{0};
  Nanos slack{0};  // max_latency - worst_case_latency
};

struct StreamPlan {
  std::string name;
  std::string talker;
  std::vector<std::string> listeners;
  model::TrafficClassKind traffic_class = model::TrafficClassKind::scheduled;
  int vlan = 0;
  int pcp = 0;
  std::string destination_mac;
  Nanos interval{0};
  // Frames sent per interval on the wire: max-frames-per-interval times the fragments a
  // max-frame-size above the path's MTU is cut into. Every frame carries at most frame_payload.
  int frames_per_interval = 1;
  std::int64_t frame_payload = 0;
  std::int64_t max_frame_size = 0;  // as declared (802.1Qcc MAC client data)

  std::vector<Hop> hops;                // upstream hops always before downstream hops
  std::vector<std::vector<int>> trees;  // indices into hops, one list per seamless tree

  // Set for scheduled streams only; other classes have routes but no timing here.
  bool timed = false;
  Nanos talker_offset{0};  // = hops of the talker's port .offset; within [0, interval)
  Nanos max_latency{0};
  Nanos worst_case_latency{0};  // max over listeners
  Nanos slack{0};               // min over listeners
  Nanos jitter{0};              // arrival variation a listener can observe (clock error, early
                                // departure through an open gate, transmission timing error)
  std::vector<ListenerTiming> listener_timing;
};

// A scheduled transmission on a port. It recurs every `interval` (the stream's); within the
// port's cycle it occurs cycle_time / interval times, at start + k * interval. A window whose
// start + length passes the end of its interval wraps into the next one. Kept unexpanded so a
// plan stays small with many streams; expand_windows() lists the instances of one cycle.
struct Window {
  Nanos start{0};  // first occurrence, within [0, interval)
  Nanos length{0};
  Nanos interval{0};
  int traffic_class = 0;
  std::string stream;
  int hop = 0;  // index into the stream's hops
};

// One occurrence of a window within a port cycle: [start, start + length), start in [0, cycle).
// An occurrence that runs past the cycle end continues at the start of the next cycle.
struct WindowInstance {
  Nanos start{0};
  Nanos length{0};
  int traffic_class = 0;
  const Window* window = nullptr;
};

// gate-states bit i = traffic class i (YANG gate-states-value, taprio sched-entry mask).
struct GateControlEntry {
  std::uint32_t gate_states = 0;
  Nanos interval{0};
  auto operator<=>(const GateControlEntry&) const = default;
};

struct PortPlan {
  model::PortRef port;
  std::string profile;  // hardware profile whose limits the list respects
  std::int64_t rate_bps = 0;
  int queues = 8;  // number of traffic classes at this port
  // Queue assignment: priority (PCP) p is queued in traffic class priority_to_tc[p].
  std::array<int, 8> priority_to_tc{};
  std::uint32_t scheduled_classes = 0;  // bitmask of traffic classes carrying scheduled windows
  Nanos cycle_time{0};                  // lcm of the intervals of the scheduled streams through it
  std::vector<Window> windows;          // sorted by (start, stream)
  std::vector<GateControlEntry> gcl;    // intervals sum to cycle_time; starts at cycle start
  double scheduled_utilisation = 0;     // wire time of scheduled windows / cycle time
};

struct Plan {
  std::string format = kPlanFormat;
  std::string plant;           // Plant::name
  Nanos hyperperiod{0};        // lcm of all scheduled intervals; base times are multiples
  Nanos sync_error_budget{0};  // the budget the plan was built with
  model::FrameModel frame_model = model::FrameModel::ethernet;  // the wire-time model it was built in
  std::vector<StreamPlan> streams;                              // every stream of the plant, in plant order
  std::vector<PortPlan> ports;  // every egress port with scheduled windows, sorted by port

  const StreamPlan* find_stream(const std::string& name) const {
    for (const auto& s : streams)
      if (s.name == name) return &s;
    return nullptr;
  }
  const PortPlan* find_port(const model::PortRef& p) const {
    for (const auto& pp : ports)
      if (pp.port == p) return &pp;
    return nullptr;
  }
};

// Every occurrence of every window of `port` within one cycle, sorted by start.
std::vector<WindowInstance> expand_windows(const PortPlan& port);

}  // namespace takt::schedule
