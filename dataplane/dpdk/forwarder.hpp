#pragma once
// The packet lcore, run to completion: RX on every port -> parse -> stream identification ->
// learning and FDB lookup -> enqueue into the egress port's traffic-class queue -> transmission
// selection (dataplane/core: strict priority among open gates, length-aware) -> TX.
//
// The TX side models each link: frames handed to the PMD occupy it for their wire time at the
// configured rate, and a frame is selected at the time the link will be free, so the gate
// decision is made for the moment the frame really starts. Only a short lookahead of that
// model is handed to the PMD at once. Without NIC launch time the frame leaves when the PMD
// gets it (software gating); with it, the frame carries its start time.
//
// Everything here belongs to this one lcore: queues, FDB (learning), counters. The schedule
// and the clock mapping come through RcuCells; counters are plain and read at scrape.
#include <rte_mbuf.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/bridge_config.hpp"
#include "dataplane/core/counters.hpp"
#include "dataplane/core/fdb.hpp"
#include "dataplane/core/frame_descriptor.hpp"
#include "telemetry/bucket_tally.hpp"
#include "telemetry/histogram.hpp"
#include "dataplane/core/host_stall.hpp"
#include "dataplane/core/ingress_classifier.hpp"
#include "telemetry/metric_values.hpp"
#include "dataplane/core/stream_id.hpp"
#include "dataplane/core/tc_queue.hpp"
#include "dataplane/core/tx_selector.hpp"
#include "dataplane/core/window_overrun.hpp"
#include "dataplane/dpdk/gate_schedule.hpp"
#include "dataplane/dpdk/idle_wait.hpp"
#include "dataplane/dpdk/launch_time.hpp"
#include "dataplane/dpdk/lateness_samples.hpp"
#include "dataplane/dpdk/protection_state.hpp"
#include "dataplane/dpdk/rcu_cell.hpp"
#include "dataplane/dpdk/stall_recorder.hpp"
#include "dataplane/dpdk/tsc_tai_clock.hpp"

namespace takt::dpdk {

struct ForwarderSettings {
  std::uint16_t burst = 32;
  std::size_t queue_capacity = 256;  // frames per traffic-class queue
  Nanos tx_lookahead{2'000};         // how far ahead of now the link model may run
  Nanos tx_spin{5'000};              // busy-wait for a gate opening this close instead of polling RX
  std::size_t lateness_samples = 0;  // raw samples kept for median / p99; 0 = off
  Nanos idle_sleep{0};               // longest sleep when idle (shared CPUs); 0 = busy poll
  int rt_priority = 0;               // SCHED_FIFO priority of the packet loop; 0 = normal
  Nanos stall_threshold{200'000};    // a loop back later than meant by more is a host stall; 0 = off
  // Fetch a received burst's headers ahead (a NIC wrote them by DMA: not in the CPU's caches).
  // Off when every port's driver copies frames in on the CPU, which leaves them cached.
  bool prefetch_received = true;
};

// Counts the core has no place for.
struct IoCounters {
  std::uint64_t tx_ring_full = 0;         // the PMD took fewer frames than selected
  std::uint64_t launch_time_missing = 0;  // launch-time port without a device clock fit yet
};

struct ForwarderPort {
  std::uint16_t dpdk_id = 0;
  std::vector<rte_mbuf*> rx;  // the last poll's burst, classified after every port was polled
  std::uint16_t rx_count = 0;
  PortQueues<FrameDescriptor> queues;
  PortCounters counters;
  IoCounters io;
  TaiTime link_free_at{};        // end of the last frame handed to the PMD (link model)
  TaiTime waiting_for = kNever;  // the gate opening that waiting frames need
  // The non-empty classes (a mask of 8 bits) the last selection saw when it found nothing to send;
  // kNotWaiting after one that sent, and after a schedule change.
  static constexpr std::uint16_t kNotWaiting = 0x100;
  std::uint16_t waited_queued = kNotWaiting;
  TaiTime polled_at{};                        // when the frames received last were classified
  std::uint32_t max_frame_bytes = 0;          // 0 = no limit
  const DeviceClock* device_clock = nullptr;  // launch time when set
  telemetry::LatencyHistogram* lateness = nullptr;
  std::array<telemetry::Gauge*, kTrafficClasses> depth{};
  std::array<WindowOverrunCheck, kTrafficClasses> overrun{};  // of this schedule's gate engine
  std::uint8_t served_class = 0;                              // of the last frame sent
  std::uint16_t sent = 0;                                     // frames sent on this turn of the loop
  TaiTime prefetched_for = kNever;                            // the gate opening last fetched ahead for
};

struct ForwarderTelemetry {
  std::vector<telemetry::LatencyHistogram*> residence;  // per stream entry
  // A frame that spent longer than its stream's whole max-latency in this one bridge has
  // certainly missed its deadline; taktctl status sums these per switch.
  std::vector<telemetry::ShardedCounter*> deadline_misses;  // per stream entry
  std::vector<Nanos> max_latency;                           // per stream entry
  // Frames a gate opening fitted that still left after it (dataplane/core/window_overrun.hpp).
  std::vector<telemetry::ShardedCounter*> window_overruns;            // per stream entry
  std::vector<telemetry::LatencyHistogram*> lateness;                 // per port
  std::vector<std::array<telemetry::Gauge*, kTrafficClasses>> depth;  // per port
  StallRecorder* stalls = nullptr;                                    // host stalls of the loop
};

class Forwarder {
 public:
  static constexpr unsigned kReaderId = 0;  // the packet lcore's QSBR thread id

  // dpdk_ports[i] serves config.ports[i]; device_clocks[i] is non-null for launch-time ports.
  Forwarder(const bridge::BridgeConfig& config, std::vector<std::uint16_t> dpdk_ports,
            std::vector<const DeviceClock*> device_clocks, std::optional<LaunchTimeField> launch_field,
            const ForwarderSettings& settings, const ForwarderTelemetry& telemetry, QuiescentStates& qs,
            const TscTaiClock& clock, const RcuCell<GateSchedule>& schedule);

  // Runs until `stop` is set. Call on the packet lcore only.
  void run(const std::atomic<bool>& stop);
  // Frees frames still queued; after run() has returned.
  void release_queued();

  const std::vector<ForwarderPort>& ports() const { return ports_; }
  const std::vector<StreamCounters>& streams() const { return streams_; }
  const LatenessSamples& lateness() const { return lateness_; }
  double elapsed_seconds() const { return elapsed_seconds_; }
  std::uint64_t iterations() const { return iterations_; }
  const IdleWait& idle() const { return idle_; }
  const ProtectionState& protection() const { return protection_; }

 private:
  void poll(std::uint16_t in);
  void receive(std::uint16_t in, const GateSchedule& schedule, TaiTime now);
  void transmit(std::uint16_t port, const GateSchedule& schedule, const ClockMapping& clock, TaiTime now,
                std::uint16_t max_frames);
  void forward_run(PortCounters& counters, const IngressDecision& d, std::uint8_t priority,
                   const GateSchedule& schedule, std::uint16_t n, std::uint64_t bytes);
  bool recover_in_order(ProtectionState::RunRecovery& recovery, std::uint16_t first, TaiTime now, std::uint16_t n);
  void record_residence(ForwarderPort& port, const PortSchedule& ps, std::uint16_t n);
  void record_group(ForwarderPort& port, const PortSchedule& ps, std::uint8_t gated,
                    std::span<const TxSlot<FrameDescriptor>> group, Nanos step);
  void prefetch_next_transmissions(TaiTime now);
  static void prefetch_front(const TcQueue<FrameDescriptor>& queue, std::size_t frames);
  void publish_telemetry();
  void drop(const FrameDescriptor& d);
  void end_run(ForwarderPort& port, std::uint16_t in, const IngressDecision& d, const GateSchedule& schedule,
               TaiTime now, std::uint16_t n);
  std::uint16_t protect_run(ForwarderPort& port, std::uint16_t in, const IngressDecision& d,
                            const ProtectionState::Policing& policing, const ProtectionSchedule& protection,
                            TaiTime now, std::uint16_t n);
  Nanos rest_if_idle(TaiTime now);  // how long it meant to rest

  ForwarderSettings settings_;
  ForwarderTelemetry telemetry_;
  QuiescentStates& qs_;
  const TscTaiClock& clock_;
  const RcuCell<GateSchedule>& schedule_;
  std::optional<LaunchTimeField> launch_field_;

  Fdb fdb_;
  StreamIdentifier streams_id_;
  std::vector<IngressClassifier> classifiers_;  // one per ingress port, over streams_id_ and fdb_
  std::vector<ForwarderPort> ports_;
  std::vector<StreamCounters> streams_;
  std::vector<telemetry::BucketTally> residence_;  // per stream entry: the tally of its residence histogram
  LatenessSamples lateness_;
  ProtectionState protection_;
  std::uint64_t schedule_generation_ = 0;  // of the schedule protection_ and the overrun checks follow
  std::vector<rte_mbuf*> burst_;
  std::vector<TxSlot<FrameDescriptor>> slots_;  // transmission selection's batch, burst_ its mbufs
  std::vector<FrameDescriptor> run_;            // frames of a burst sharing one ingress decision
  double elapsed_seconds_ = 0;
  std::uint64_t iterations_ = 0;
  IdleWait idle_;
  LoopStallDetector stall_detector_;
  Nanos paused_{0};  // how long the last iteration meant to spin or rest
};

}  // namespace takt::dpdk
