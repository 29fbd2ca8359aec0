#pragma once
// A discrete-event, frame-by-frame simulation of a plan. Every bridge runs dataplane/core as
// takt-dataplane does (stream identification, FDB, PCP to traffic class, traffic-class queues,
// the 802.1Qbv gate engine, transmission selection with the length-aware guard band) on the
// configuration `exporter::bridge_config` writes for it; end stations send through their port's
// planned gate control list. Links add exact wire and propagation times, bridges a processing
// delay within their profile, every node a clock offset within the plan's sync budget.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"
#include "dataplane/core/time.hpp"

namespace takt::simulate {

// How bounded and best-effort talkers place their frames in each interval. Scheduled talkers
// always send at their planned offsets.
enum class Phasing {
  aligned,  // every talker sends its whole interval's frames at the interval start: the worst case
  random,   // each talker at its own phase, drawn from the seed
};

const char* to_string(Phasing p);

struct Options {
  int hyperperiods = 10;
  std::uint64_t seed = 1;
  std::vector<Phasing> runs{Phasing::aligned, Phasing::random};
  std::size_t queue_capacity = 256;  // frames per traffic-class queue, as TcQueue and takt-dataplane
  // Frames transmitted at this port, in the first run: transmission start (ns) and the frame from
  // destination MAC to the end of the payload.
  std::optional<model::PortRef> capture_port;
  std::function<void(std::int64_t start_ns, std::span<const std::byte> frame)> on_capture;
};

struct ListenerResult {
  std::string stream;
  std::string listener;
  model::TrafficClassKind kind = model::TrafficClassKind::scheduled;
  std::int64_t frames = 0;  // received, duplicates of redundant trees counted once
  std::int64_t lost = 0;
  // Latency: last bit at the listener minus the planned transmission start (scheduled: the
  // talker's offset instant; others: when the talker handed the frames to its port).
  Nanos min{0}, p50{0}, p99{0}, max{0};
  Nanos jitter() const { return max - min; }
  Nanos planned_worst{0};  // the plan's worst case for this listener (bound for bounded streams); 0 none
};

struct SimulationResult {
  std::vector<ListenerResult> listeners;  // per stream in plan order, then per listener
  std::uint64_t frames_sent = 0;          // by talkers, per talker port
  std::uint64_t frame_hops = 0;           // transmissions on any link
  std::uint64_t events = 0;
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t dropped_window_too_small = 0;
  std::uint64_t eliminated_duplicates = 0;  // redundant copies stopped where trees meet again
  std::int64_t simulated_ns = 0;            // per run
};

// Throws std::invalid_argument when the plan does not belong to the plant (a stream or port
// it names is missing).
SimulationResult run(const schedule::Plan& plan, const model::Plant& plant, const Options& options = {});

}  // namespace takt::simulate
