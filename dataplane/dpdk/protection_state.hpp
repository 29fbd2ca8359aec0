#pragma once
// The packet lcore's half of per-stream protection: per filter its meter and blocked flags, per
// stream its sequence generation counter and sequence recovery, and the counters the scraper
// reads. The counters live in arrays sized once at start and indexed by stream handle (or the
// wildcard row) and ingress port, so a new schedule never moves memory the scraper may be
// reading; the per-filter state is the lcore's own and rebuilt when a schedule changes it.
// No DPDK here: the forwarder moves the bytes, this decides.
#include <cstdint>
#include <optional>
#include <vector>

#include "dataplane/core/sequence_recovery.hpp"
#include "dataplane/core/stream_filter.hpp"
#include "dataplane/core/stream_id.hpp"
#include "dataplane/dpdk/protection_schedule.hpp"

namespace takt::dpdk {

struct FrerStreamCounters {
  std::uint64_t generated = 0;  // frames this bridge gave a sequence number and an R-TAG
  SequenceRecoveryCounters recovery;
  std::uint64_t individual_discarded = 0;  // stopped by a member stream's individual recovery
};

class ProtectionState {
 public:
  ProtectionState(std::size_t stream_count, std::size_t port_count);

  // Called by the lcore when the published schedule's generation changed: filters and recoveries
  // whose configuration is new start fresh; counters carry on.
  void sync(const ProtectionSchedule& schedule, TaiTime now);

  // 802.1Qci for one frame: true when it may be forwarded. `earliest_arrival`: the frame arrived
  // at some time in [earliest_arrival, now] (the previous poll of its port); the stream gate
  // passes it when it was open at any of those times. Without it, the gate is asked at `now`.
  // (A plain time, not an optional: this runs per frame, and an optional passed on the stack
  // costs a store-forwarding stall.)
  bool police(const ProtectionSchedule& schedule, StreamHandle stream, std::size_t port, std::uint8_t pcp,
              std::uint32_t frame_bytes, TaiTime now, TaiTime earliest_arrival) {
    return police(policing(schedule, stream, port, pcp, now, earliest_arrival), frame_bytes, now);
  }
  bool police(const ProtectionSchedule& schedule, StreamHandle stream, std::size_t port, std::uint8_t pcp,
              std::uint32_t frame_bytes, TaiTime now) {
    return police(schedule, stream, port, pcp, frame_bytes, now, now);
  }

  // The same in two steps, for a run of frames that share stream, port and priority and arrived
  // in one poll: which filter they meet and whether its stream gate was open is decided once;
  // each frame then only meets the max SDU check, the meter and the counters.
  struct Policing {
    std::int32_t filter = -1;  // -1: no filter, every frame passes
    std::size_t counters = 0;  // its counter row, filter_counters_ index
    bool gate_open = true;
    // The filter's stream gate IPV: the priority the frames are queued as; kNoIpv: their own.
    std::uint8_t ipv = kNoIpv;
    std::uint8_t queue_priority(std::uint8_t pcp) const { return queued_priority(ipv, pcp); }
  };
  Policing policing(const ProtectionSchedule& schedule, StreamHandle stream, std::size_t port, std::uint8_t pcp,
                    TaiTime now, TaiTime earliest_arrival);
  // police() for a run of `frames` frames met under one Policing, the largest `max_frame_bytes`,
  // `total_bytes` together: true when all of them pass (and are counted); false when any would
  // not, with nothing counted, and the caller polices them one by one.
  bool police_all(const Policing& p, std::uint32_t frames, std::uint32_t max_frame_bytes, std::uint64_t total_bytes,
                  TaiTime now) {
    if (p.filter < 0) return true;
    if (!filters_[static_cast<std::size_t>(p.filter)].pass_all(frames, max_frame_bytes, total_bytes, p.gate_open, now))
      return false;
    count_passing(filter_counters_[p.counters], frames);
    return true;
  }
  bool police(const Policing& p, std::uint32_t frame_bytes, TaiTime now) {
    if (p.filter < 0) return true;
    const FilterVerdict v = filters_[static_cast<std::size_t>(p.filter)].filter(frame_bytes, p.gate_open, now);
    count(filter_counters_[p.counters], v);
    return v == FilterVerdict::pass;
  }

  // 802.1CB sequence generation for a run of frames of `stream`: the number its first frame gets,
  // the next ones counting on; took_sequences() then says how many the run numbered (the
  // counter moves once per run).
  std::uint16_t peek_sequence(StreamHandle stream) const { return generation_[stream]; }
  void took_sequences(StreamHandle stream, std::uint16_t frames) {
    generation_[stream] = static_cast<std::uint16_t>(generation_[stream] + frames);
    frer_counters_[stream].generated += frames;
  }
  // The same for one frame: the next number for `stream`.
  std::uint16_t next_sequence(StreamHandle stream) {
    const std::uint16_t sequence = peek_sequence(stream);
    took_sequences(stream, 1);
    return sequence;
  }
  // 802.1CB sequence recovery (and individual recovery when configured) for one frame. Its
  // counters reach frer_counters() at the next publish_recoveries(): once per burst, not per frame.
  RecoveryVerdict recover(StreamHandle stream, std::size_t port, std::optional<std::uint16_t> sequence, TaiTime now) {
    return recover(stream, port, sequence.has_value(), sequence.value_or(0), now);
  }
  // The same with the R-TAG's presence apart from its number (SequenceRecovery::accept says why).
  RecoveryVerdict recover(StreamHandle stream, std::size_t port, bool tagged, std::uint16_t sequence, TaiTime now) {
    return recovery_for_run(stream, port).accept(tagged, sequence, now);
  }
  // recover() for a run of frames of one stream from one port: the stream's recoveries looked up
  // once. Empty (every frame passes) when this bridge does not recover the stream.
  class RunRecovery {
   public:
    RunRecovery() = default;
    RunRecovery(SequenceRecovery* compound, SequenceRecovery* individual, std::uint64_t* individual_discarded)
        : compound_(compound), individual_(individual), individual_discarded_(individual_discarded) {}
    RecoveryVerdict accept(bool tagged, std::uint16_t sequence, TaiTime now) {
      if (!compound_) return RecoveryVerdict::pass;
      if (individual_ && tagged && individual_->accept(true, sequence, now) == RecoveryVerdict::discard) {
        ++*individual_discarded_;
        return RecoveryVerdict::discard;
      }
      return compound_->accept(tagged, sequence, now);
    }
    // accept() of `count` tagged frames numbered first, first + step, ...: true when they all
    // passed at once (SequenceRecovery::accept_stepped); false, with nothing passed, when the
    // caller must accept them one by one, as always with individual recovery.
    bool accept_stepped(std::uint16_t first, std::uint16_t step, std::uint16_t count, TaiTime now) {
      if (!compound_) return true;
      if (individual_) return false;
      return compound_->accept_stepped(first, step, count, now);
    }

   private:
    SequenceRecovery* compound_ = nullptr;
    SequenceRecovery* individual_ = nullptr;  // the port's member stream recovery, if configured
    std::uint64_t* individual_discarded_ = nullptr;
  };
  RunRecovery recovery_for_run(StreamHandle stream, std::size_t port) {
    auto& r = recoveries_[stream];
    if (!r) return {};
    if (pending_publish_[stream] == 0) {
      pending_publish_[stream] = 1;
      unpublished_.push_back(stream);
    }
    return {&r->compound, r->individual.empty() ? nullptr : &r->individual[port],
            &frer_counters_[stream].individual_discarded};
  }

  void publish_recoveries() {
    for (const std::size_t stream : unpublished_) {
      publish(stream);
      pending_publish_[stream] = 0;
    }
    unpublished_.clear();
  }
  // Runs the recoveries' timers (reset timeout, latent errors) with no frame arriving.
  void tick(TaiTime now);
  // The packet loop was away `stalled` longer than it meant to (SequenceRecovery::host_stalled).
  void host_stalled(Nanos stalled);

  // Counters of the filters met by (stream, port); stream == stream_count is the wildcard row.
  const StreamFilterCounters& filter_counters(std::size_t stream, std::size_t port) const {
    return filter_counters_[stream * port_count_ + port];
  }
  const FrerStreamCounters& frer_counters(std::size_t stream) const { return frer_counters_[stream]; }
  // Whether the stream's recovery currently signals a latent error.
  bool latent_error(std::size_t stream) const;
  std::size_t stream_count() const { return stream_count_; }
  std::size_t port_count() const { return port_count_; }

 private:
  struct Recovery {
    SequenceRecoveryConfig config;
    SequenceRecovery compound;
    std::vector<SequenceRecovery> individual;  // per port, match algorithm
    SequenceRecoveryCounters base;             // counters of recoveries this one replaced
  };

  std::size_t stream_count_;
  std::size_t port_count_;
  std::vector<StreamFilter> filters_;  // per filter of the schedule synced last
  // Per filter: the stream gate's state is `open` for every time in [from, until). Frames of a
  // span ask the gate engine once.
  struct GateCache {
    TaiTime from = kNever;
    TaiTime until = kNever;
    bool open = false;
  };
  std::vector<GateCache> gate_cache_;
  bool gate_open(const ProtectionSchedule& schedule, std::int32_t filter, TaiTime from, TaiTime now);
  std::vector<StreamFilterCounters> filter_counters_;  // [(stream or wildcard) * ports + port]
  std::vector<std::uint16_t> generation_;              // per stream: GenSeqNum
  std::vector<std::optional<Recovery>> recoveries_;    // per stream
  std::vector<FrerStreamCounters> frer_counters_;      // per stream
  std::vector<std::size_t> recovering_;                // streams with a recovery, for tick()
  std::vector<std::uint8_t> latent_errors_;            // per stream, 1 while signalled; read by the scraper
  std::vector<std::uint8_t> pending_publish_;          // per stream, 1 while in unpublished_
  std::vector<std::size_t> unpublished_;               // streams recovered since publish_recoveries()

  void publish(std::size_t stream);  // counters and latent flag of one stream, one store each
};

}  // namespace takt::dpdk
