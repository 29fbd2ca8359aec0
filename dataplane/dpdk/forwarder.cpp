#include "dataplane/dpdk/forwarder.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <bit>
#include <span>

#include <spdlog/spdlog.h>

#include "dataplane/core/frame.hpp"
#include "dataplane/core/r_tag.hpp"
#include "dataplane/core/tx_selector.hpp"

namespace takt::dpdk {

namespace {

FdbConfig fdb_config(const bridge::BridgeConfig& config) {
  FdbConfig f;
  f.port_count = static_cast<PortId>(config.ports.size());
  for (std::size_t i = 0; i < config.ports.size(); ++i)
    if (config.ports[i].active_topology) f.active_ports.add(static_cast<PortId>(i));
  // Every port out of the active topology: keep the default (all ports) rather than none.
  if (f.active_ports.empty()) f.active_ports = PortSet::all(f.port_count);
  for (const auto& e : config.static_fdb) {
    StaticFdbEntry s{e.destination, e.vlan, {}};
    for (const auto& name : e.ports) s.ports.add(static_cast<PortId>(*config.port_index(name)));
    f.static_entries.push_back(s);
  }
  return f;
}

StreamIdentificationConfig stream_config(const bridge::BridgeConfig& config) {
  StreamIdentificationConfig s;
  for (std::size_t i = 0; i < config.streams.size(); ++i)
    s.null_streams.push_back({config.streams[i].destination, config.streams[i].vlan, static_cast<StreamHandle>(i)});
  return s;
}

// An R-TAG behind no VLAN tag: its EtherType where the frame's would be, its sequence number four
// bytes on, and the frame's own EtherType after it.
constexpr std::size_t kUntaggedTypeOffset = 12;
constexpr std::size_t kUntaggedSequenceOffset = kUntaggedTypeOffset + 4;
constexpr std::size_t kUntaggedRTagEnd = kUntaggedTypeOffset + kRTagBytes + 2;

// Queue-depth gauges and the residence tallies reach the metrics every 1024 iterations, within
// milliseconds while frames flow (and the tallies before every idle rest).
constexpr std::uint64_t kPublishMask = 1023;
// A port may send up to this many RX bursts' worth of frames per loop iteration: egress must
// drain faster than ingress fills, or a backlog built while a gate was closed never drains
// while it is open and the queue keeps dropping at its tail. The link model and the lookahead
// still bound what is handed to the PMD at once.
constexpr std::size_t kTxBurstsPerVisit = 4;

// Headers are in the first segment for every PMD we run on; a chained tail is payload.
std::span<const std::byte> header_of(const rte_mbuf* m) {
  return std::as_bytes(
      std::span<const std::uint8_t>(rte_pktmbuf_mtod(m, const std::uint8_t*), rte_pktmbuf_data_len(m)));
}

// The frames rx[0, n) that repeat a run's first frame (`repeats`), up to the first that does not
// or is longer than `max_frame_bytes` (0: no limit): each becomes a descriptor at run[]. Returns
// how many, their bytes added to `bytes`. Out of line: inlined into Forwarder::receive the loop
// kept its count, limit and arrival time on the stack, here they stay in registers.
[[gnu::noinline]] std::uint16_t take_repeats(rte_mbuf* const* rx, std::uint16_t n,
                                             const IngressClassifier::Repeats repeats, std::uint32_t max_frame_bytes,
                                             FrameDescriptor* run, StreamHandle stream, TaiTime arrived,
                                             std::uint64_t& bytes) {
  const std::uint32_t longest = max_frame_bytes == 0 ? UINT32_MAX : max_frame_bytes;
  std::uint64_t taken_bytes = 0;
  std::uint16_t i = 0;
  for (; i < n; ++i) {
    rte_mbuf* const m = rx[i];
    const std::uint32_t length = rte_pktmbuf_pkt_len(m);
    if (length > longest || !repeats(header_of(m))) break;
    taken_bytes += length;
    run[i] = FrameDescriptor{m, length, stream, arrived};
  }
  bytes += taken_bytes;
  return i;
}

// 802.1CB sequence generation for frames[0, n) of a run whose first frame has no VLAN tag and the
// EtherType `type`: numbers them first, first + 1, ... and inserts their R-TAGs, up to the first
// frame that is short, lacks the headroom or has another EtherType (the caller takes it and the
// rest frame by frame). Returns how many it tagged. Out of line, as take_repeats.
[[gnu::noinline]] std::uint16_t tag_untagged_run(FrameDescriptor* frames, std::uint16_t n, std::uint16_t type,
                                                 std::uint16_t first) {
  std::uint16_t i = 0;
  for (; i < n; ++i) {
    auto* m = static_cast<rte_mbuf*>(frames[i].packet);
    if (rte_pktmbuf_data_len(m) < kUntaggedRTagEnd || rte_pktmbuf_headroom(m) < kRTagBytes ||
        detail::r_tag_be16(rte_pktmbuf_mtod_offset(m, const std::byte*, kUntaggedTypeOffset)) != type)
      break;
    auto* tagged = reinterpret_cast<std::byte*>(rte_pktmbuf_prepend(m, kRTagBytes));
    insert_r_tag(std::span(tagged, kUntaggedRTagEnd + kRTagBytes), kUntaggedTypeOffset,
                 static_cast<std::uint16_t>(first + i));
    frames[i].length += kRTagBytes;
  }
  return i;
}

// Takes the R-TAG out of frames[0, n): untagged frames with an R-TAG whole at offset 12, as
// Forwarder::recover_in_order saw them. Out of line, as take_repeats.
[[gnu::noinline]] void untag_run(FrameDescriptor* frames, std::uint16_t n) {
  for (std::uint16_t i = 0; i < n; ++i) {
    auto* m = static_cast<rte_mbuf*>(frames[i].packet);
    remove_r_tag(std::span(rte_pktmbuf_mtod(m, std::byte*), kUntaggedRTagEnd), kUntaggedTypeOffset);
    rte_pktmbuf_adj(m, kRTagBytes);
    frames[i].length -= kRTagBytes;
  }
}

}  // namespace

Forwarder::Forwarder(const bridge::BridgeConfig& config, std::vector<std::uint16_t> dpdk_ports,
                     std::vector<const DeviceClock*> device_clocks, std::optional<LaunchTimeField> launch_field,
                     const ForwarderSettings& settings, const ForwarderTelemetry& telemetry, QuiescentStates& qs,
                     const TscTaiClock& clock, const RcuCell<GateSchedule>& schedule)
    : settings_(settings),
      telemetry_(telemetry),
      qs_(qs),
      clock_(clock),
      schedule_(schedule),
      launch_field_(launch_field),
      fdb_(fdb_config(config)),
      streams_id_(stream_config(config)),
      streams_(config.streams.size()),
      lateness_(settings.lateness_samples),
      protection_(config.streams.size(), config.ports.size()),
      burst_(kTxBurstsPerVisit * settings.burst),
      slots_(kTxBurstsPerVisit * settings.burst),
      run_(settings.burst),
      idle_(settings.idle_sleep),
      stall_detector_(telemetry.stalls ? settings.stall_threshold : Nanos{0}) {
  classifiers_.reserve(config.ports.size());
  for (std::size_t i = 0; i < config.ports.size(); ++i) classifiers_.emplace_back(streams_id_, fdb_);
  residence_.reserve(config.streams.size());
  for (std::size_t i = 0; i < config.streams.size(); ++i) residence_.emplace_back(*telemetry.residence[i], 0);
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    ForwarderPort p;
    p.dpdk_id = dpdk_ports[i];
    p.queues = PortQueues<FrameDescriptor>(settings.queue_capacity);
    p.device_clock = device_clocks[i];
    p.max_frame_bytes = config.ports[i].max_frame_bytes;
    p.rx.resize(settings.burst);
    p.lateness = telemetry.lateness[i];
    p.depth = telemetry.depth[i];
    ports_.push_back(std::move(p));
  }
}

void Forwarder::drop(const FrameDescriptor& d) {
  if (d.stream != kNoStream) ++streams_[d.stream].dropped;
  rte_pktmbuf_free(static_cast<rte_mbuf*>(d.packet));
}

// Frames [0, n) of run_ share one ingress decision: counted and queued together, in the traffic
// class of `priority` (their PCP, or the IPV of their stream filter's gate).
void Forwarder::forward_run(PortCounters& counters, const IngressDecision& d, std::uint8_t priority,
                            const GateSchedule& schedule, std::uint16_t n, std::uint64_t bytes) {
  if (n == 0) return;
  switch (d.forwarding.kind) {
    case ForwardingKind::static_entry:
      counters.forwarded_static += n;
      break;
    case ForwardingKind::learned:
      counters.forwarded_learned += n;
      break;
    case ForwardingKind::flood:
      counters.flooded += n;
      break;
    case ForwardingKind::link_local:
      counters.filtered_link_local += n;
      break;
  }
  if (d.stream != kNoStream) {
    streams_[d.stream].frames += n;
    streams_[d.stream].bytes += bytes;
  }
  const PortSet egress = d.forwarding.egress;
  if (egress.empty()) {
    if (d.forwarding.kind != ForwardingKind::link_local) counters.filtered_no_egress += n;
    if (d.stream != kNoStream) streams_[d.stream].dropped += n;
    for (std::uint16_t i = 0; i < n; ++i) rte_pktmbuf_free(static_cast<rte_mbuf*>(run_[i].packet));
    return;
  }
  // One mbuf, one reference per egress queue: frames are never modified on the way.
  if (const int copies = egress.size(); copies > 1)
    for (std::uint16_t i = 0; i < n; ++i)
      rte_mbuf_refcnt_update(static_cast<rte_mbuf*>(run_[i].packet), static_cast<std::int16_t>(copies - 1));
  egress.for_each([&](PortId out) {
    const std::uint8_t tc = schedule.ports[out].priority_map.traffic_class(priority);
    const std::size_t queued = ports_[out].queues[tc].push_bulk(run_.data(), n);
    for (std::size_t i = queued; i < n; ++i) drop(run_[i]);
  });
}

// 802.1Qci and 802.1CB for run_[0, n), frames that share one ingress decision: polices them,
// then inserts or recovers and removes their R-TAGs. Frames discarded are freed and counted;
// the rest stay in order at the front of run_, their lengths following the R-TAG. Returns how
// many stay.
std::uint16_t Forwarder::protect_run(ForwarderPort& port, std::uint16_t in, const IngressDecision& d,
                                     const ProtectionState::Policing& policing, const ProtectionSchedule& protection,
                                     TaiTime now, std::uint16_t n) {
  FrameDescriptor* const frames = run_.data();
  auto discard = [](rte_mbuf* m, std::uint64_t& counter) {
    ++counter;
    rte_pktmbuf_free(m);
  };
  if (policing.filter >= 0) {
    std::uint32_t longest = 0;
    std::uint64_t total = 0;
    for (std::uint16_t i = 0; i < n; ++i) {
      longest = std::max(longest, frames[i].length);
      total += frames[i].length;
    }
    // Mostly the whole run passes, decided at once; else frame by frame, as 802.1Qci orders them.
    if (!protection_.police_all(policing, n, longest, total, now)) {
      std::uint16_t kept = 0;
      for (std::uint16_t i = 0; i < n; ++i) {
        if (protection_.police(policing, frames[i].length, now))
          frames[kept++] = frames[i];
        else
          discard(static_cast<rte_mbuf*>(frames[i].packet), port.counters.rx_policed);
      }
      n = kept;
    }
  }
  // A run its filter discarded whole has no first frame to read an R-TAG from.
  if (n == 0 || d.stream == kNoStream || !protection.any_frer) return n;
  const FrerRole role = protection.roles[d.stream];
  if (role == FrerRole::none) return n;
  auto bytes = [](rte_mbuf* m) {
    return std::span<std::byte>(rte_pktmbuf_mtod(m, std::byte*), rte_pktmbuf_data_len(m));
  };
  // The frames of a run repeat the first one's first 16 bytes (IngressClassifier's repeats). So
  // when the first has no VLAN tag, where an R-TAG is or would go is the same for all of them,
  // and two bytes per frame confirm it instead of a walk over its tags.
  const RTagRead first_tag = read_r_tag(bytes(static_cast<rte_mbuf*>(frames[0].packet)));
  const bool untagged = first_tag.state != RTagState::truncated && first_tag.offset == kUntaggedTypeOffset;
  const std::uint16_t first_type =
      untagged ? detail::r_tag_be16(rte_pktmbuf_mtod_offset(static_cast<rte_mbuf*>(frames[0].packet), const std::byte*,
                                                            kUntaggedTypeOffset))
               : 0;
  auto tag_of = [&](std::span<const std::byte> frame) {
    if (!untagged || frame.size() < kUntaggedRTagEnd ||
        detail::r_tag_be16(frame.data() + kUntaggedTypeOffset) != first_type)
      return read_r_tag(frame);
    RTagRead tag = first_tag;
    if (tag.state == RTagState::present) tag.sequence = detail::r_tag_be16(frame.data() + kUntaggedSequenceOffset);
    return tag;
  };
  std::uint16_t kept = 0;
  if (role == FrerRole::generate) {
    const std::uint16_t first = protection_.peek_sequence(d.stream);
    std::uint16_t i = 0;
    // Mostly every frame of the run is untagged, long enough and has headroom: each is numbered
    // in one pass that tests just that. The first that is not goes, with the rest, frame by frame.
    if (untagged && first_tag.state == RTagState::absent) kept = i = tag_untagged_run(frames, n, first_type, first);
    for (; i < n; ++i) {
      auto* m = static_cast<rte_mbuf*>(frames[i].packet);
      const RTagRead tag = tag_of(bytes(m));
      // A frame that arrives with an R-TAG where this bridge numbers the stream would let its
      // sender choose sequence numbers for the recovery downstream: it is not forwarded.
      if (tag.state != RTagState::absent || rte_pktmbuf_prepend(m, kRTagBytes) == nullptr) {
        discard(m, port.counters.rx_r_tag_error);
        continue;
      }
      insert_r_tag(bytes(m), tag.offset, static_cast<std::uint16_t>(first + kept));
      frames[kept] = frames[i];
      frames[kept++].length += kRTagBytes;
    }
    protection_.took_sequences(d.stream, kept);
    return kept;
  }
  ProtectionState::RunRecovery recovery = protection_.recovery_for_run(d.stream, in);
  // Mostly one path delivers a talker's frames in order, each the first copy: then the whole run
  // passes recovery at once, and only the R-TAGs are taken out frame by frame.
  if (untagged && first_tag.state == RTagState::present && recover_in_order(recovery, first_tag.sequence, now, n)) {
    untag_run(frames, n);
    return n;
  }
  for (std::uint16_t i = 0; i < n; ++i) {
    auto* m = static_cast<rte_mbuf*>(frames[i].packet);
    const RTagRead tag = tag_of(bytes(m));
    if (tag.state == RTagState::truncated) {
      discard(m, port.counters.rx_r_tag_error);
      continue;
    }
    const bool tagged = tag.state == RTagState::present;
    if (recovery.accept(tagged, tag.sequence, now) == RecoveryVerdict::discard) {
      discard(m, port.counters.rx_eliminated);
      continue;
    }
    frames[kept] = frames[i];
    if (tagged) {
      remove_r_tag(bytes(m), tag.offset);
      rte_pktmbuf_adj(m, kRTagBytes);
      frames[kept].length -= kRTagBytes;
    }
    ++kept;
  }
  return kept;
}

// Whether run_[0, n), untagged frames with an R-TAG like the first's numbered `first`, carry
// numbers a constant step apart (one, as a talker sends them) and so all passed recovery at once.
// Nothing is counted when they do not.
bool Forwarder::recover_in_order(ProtectionState::RunRecovery& recovery, std::uint16_t first, TaiTime now,
                                 std::uint16_t n) {
  const FrameDescriptor* const frames = run_.data();
  // The sequence number of frame i's R-TAG, when the R-TAG is whole at offset 12; else -1.
  auto sequence_of = [frames](std::uint16_t i) -> std::int32_t {
    const auto* m = static_cast<const rte_mbuf*>(frames[i].packet);
    const auto* b = rte_pktmbuf_mtod(m, const std::byte*);
    if (rte_pktmbuf_data_len(m) < kUntaggedRTagEnd || detail::r_tag_be16(b + kUntaggedTypeOffset) != kEthertypeRTag)
      return -1;
    return detail::r_tag_be16(b + kUntaggedSequenceOffset);
  };
  std::uint16_t step = 1;
  if (n > 1) {
    const std::int32_t second = sequence_of(1);
    if (second < 0) return false;
    step = static_cast<std::uint16_t>(second - first);
    for (std::uint16_t i = 2, expected = static_cast<std::uint16_t>(second); i < n; ++i) {
      expected = static_cast<std::uint16_t>(expected + step);
      if (sequence_of(i) != expected) return false;
    }
  }
  return recovery.accept_stepped(first, step, n, now);
}

void Forwarder::poll(std::uint16_t in) {
  ForwarderPort& port = ports_[in];
  port.rx_count = rte_eth_rx_burst(port.dpdk_id, 0, port.rx.data(), settings_.burst);
  // Headers are a cache miss each; the other ports' polls run while these loads are under way.
  if (settings_.prefetch_received)
    for (std::uint16_t i = 0; i < port.rx_count; ++i) rte_prefetch0(rte_pktmbuf_mtod(port.rx[i], void*));
}

void Forwarder::receive(std::uint16_t in, const GateSchedule& schedule, TaiTime now) {
  ForwarderPort& port = ports_[in];
  const std::uint16_t n = port.rx_count;
  if (n == 0) {
    port.polled_at = now;
    return;
  }
  port.rx_count = 0;
  port.counters.rx_frames += n;
  IngressClassifier& classifier = classifiers_[in];
  classifier.start_burst(in, now);
  std::uint64_t rx_bytes = 0;
  // Consecutive frames with one decision (IngressClassifier's repeats) form a run, protected,
  // counted and queued together. A stream's frames may repeat the port's last burst: their run
  // then has its decision.
  IngressDecision run_decision = classifier.last_decision();
  std::uint16_t run_length = 0;
  const std::uint32_t max_frame_bytes = port.max_frame_bytes;
  for (std::uint16_t i = 0; i < n;) {
    rte_mbuf* m = port.rx[i++];
    const std::uint32_t length = rte_pktmbuf_pkt_len(m);
    rx_bytes += length;
    if (max_frame_bytes != 0 && length > max_frame_bytes) {
      ++port.counters.rx_oversize;
      rte_pktmbuf_free(m);
      continue;
    }
    const auto frame = header_of(m);
    // A repeat joins the run of the frame it repeats: the decision and its counts hold as they are.
    if (!classifier.repeats_last(frame)) {
      const IngressDecision d = classifier.classify_new(frame);
      end_run(port, in, run_decision, schedule, now, run_length);
      run_length = 0;
      run_decision = d;
      if (!d.valid) {
        ++port.counters.rx_malformed;
        rte_pktmbuf_free(m);
        continue;
      }
      switch (d.learned) {
        case LearnResult::learned:
          ++port.counters.learned_stations;
          break;
        case LearnResult::moved:
          ++port.counters.station_moves;
          break;
        case LearnResult::table_full:
          ++port.counters.learn_table_full;
          break;
        default:
          break;
      }
    }
    run_[run_length++] = FrameDescriptor{m, length, run_decision.stream, now};
    // The frames behind it that repeat it, mostly the rest of the burst; it stops at the first
    // other frame, which goes above.
    const std::uint16_t taken =
        take_repeats(port.rx.data() + i, static_cast<std::uint16_t>(n - i), classifier.repeats(), max_frame_bytes,
                     run_.data() + run_length, run_decision.stream, now, rx_bytes);
    i = static_cast<std::uint16_t>(i + taken);
    run_length = static_cast<std::uint16_t>(run_length + taken);
  }
  end_run(port, in, run_decision, schedule, now, run_length);
  if (schedule.protection.any_frer) protection_.publish_recoveries();
  port.counters.rx_bytes += rx_bytes;
  port.polled_at = now;
}

// The run run_[0, n) is complete: protected, then counted and queued.
void Forwarder::end_run(ForwarderPort& port, std::uint16_t in, const IngressDecision& d, const GateSchedule& schedule,
                        TaiTime now, std::uint16_t n) {
  if (n == 0) return;
  const ProtectionSchedule& protection = schedule.protection;
  // The run's frames arrived after the port's previous poll: that, not this poll, bounds their
  // arrival at the stream gate. (port.polled_at is still the previous poll's time here.)
  ProtectionState::Policing policing;  // the run's filter and stream gate; none without filters
  if (protection.any_filter) policing = protection_.policing(protection, d.stream, in, d.pcp, now, port.polled_at);
  if (protection.any_filter || protection.any_frer) n = protect_run(port, in, d, policing, protection, now, n);
  std::uint64_t bytes = 0;
  for (std::uint16_t i = 0; i < n; ++i) bytes += run_[i].length;
  forward_run(port.counters, d, policing.queue_priority(d.pcp), schedule, n, bytes);
}

void Forwarder::transmit(std::uint16_t index, const GateSchedule& schedule, const ClockMapping& clock, TaiTime now,
                         std::uint16_t max_frames) {
  ForwarderPort& port = ports_[index];
  const PortSchedule& ps = schedule.ports[index];
  const TaiTime t = std::max(now, port.link_free_at);
  const TaiTime horizon = now + settings_.tx_lookahead;
  if (t > horizon) return;  // the link model is busy past the lookahead
  const std::uint8_t queued = port.queues.nonempty_mask();
  if (queued == 0) {
    port.waiting_for = kNever;
    return;
  }
  // The last selection found nothing to send before waiting_for, and neither has a class gained a
  // frame nor the schedule changed since (frames behind a head change nothing): asking again would
  // find the same. While a gate is closed the loop would otherwise ask the gate engine on every
  // turn, for every port. Within two spin margins of the opening it asks anyway: that keeps the
  // gate engine's data in the caches for the selection at the opening, which the launch lateness
  // measures.
  if (t + 2 * settings_.tx_spin < port.waiting_for && port.waited_queued == queued) return;
  const TaiTime opening = port.waiting_for;
  const TxBatch batch =
      select_batch_for_transmission(port.queues, ps.gates, ps.wire, t, horizon, std::span(slots_.data(), max_frames),
                                    [&](const FrameDescriptor& d, TxDropReason) { drop(d); });
  port.waiting_for = batch.wake_at;
  const std::uint16_t n = static_cast<std::uint16_t>(batch.count);
  if (n == 0) {
    port.waited_queued = port.queues.nonempty_mask();
    return;
  }
  port.waited_queued = ForwarderPort::kNotWaiting;
  // The first frame after a closed gate opened: what the lateness figure is about.
  const bool launched_at_opening =
      opening != kNever && t >= opening && !ps.gates.is_open(slots_[0].traffic_class, opening - Nanos{1});
  std::uint64_t bytes = batch.bytes;
  for (std::uint16_t i = 0; i < n; ++i) burst_[i] = static_cast<rte_mbuf*>(slots_[i].frame.packet);
  if (port.device_clock)
    for (std::uint16_t i = 0; i < n; ++i) {
      if (auto ticks = port.device_clock->device_time(slots_[i].start))
        launch_field_->stamp(burst_[i], *ticks);
      else
        ++port.io.launch_time_missing;
    }
  if (!residence_.empty()) record_residence(port, ps, n);  // frames of no stream are skipped there
  if (launched_at_opening) {
    const Nanos late = clock.to_tai(rte_rdtsc()) - opening;
    if (port.lateness) port.lateness->record(0, late);
    if (lateness_.enabled()) lateness_.add(late.count());
  }
  const std::uint16_t sent = rte_eth_tx_burst(port.dpdk_id, 0, burst_.data(), n);
  port.counters.tx_frames += sent;
  if (sent < n) {
    for (std::uint16_t i = sent; i < n; ++i) bytes -= slots_[i].frame.length;
    port.io.tx_ring_full += n - sent;
    rte_pktmbuf_free_bulk(burst_.data() + sent, n - sent);
  }
  port.counters.tx_bytes += bytes;
  port.link_free_at = batch.link_free_at;
  port.served_class = slots_[n - 1].traffic_class;
  port.sent += n;
}

// The PMD reads each mbuf's header when it sends (or frees) it, and a frame that waited behind a
// closed gate has left the caches by then. So the headers of the frames a port will send next
// are fetched ahead, after every port has sent (fetching them between two ports' transmissions
// would delay the second port's gate launch): as many of its last class's front frames as it
// has just sent, which mostly leave on the next turn of the loop; and when it waits for a gate
// opening closer than the spin margin, once, the front frames of every class that waits. Fetching
// all of them again on every turn while a gate is closed cost about 0.5 ns per frame forwarded
// (tests/bench/dataplane/ab_dataplane.sh, gcl-all).
void Forwarder::prefetch_next_transmissions(TaiTime now) {
  const std::size_t visit = kTxBurstsPerVisit * settings_.burst;
  for (auto& port : ports_) {
    if (port.sent != 0) {
      prefetch_front(port.queues[port.served_class], port.sent);
      port.sent = 0;
    } else if (port.waiting_for != kNever && port.waiting_for != port.prefetched_for &&
               port.waiting_for - now <= settings_.tx_spin) {
      port.prefetched_for = port.waiting_for;
      for (std::uint8_t mask = port.queues.nonempty_mask(); mask != 0; mask &= static_cast<std::uint8_t>(mask - 1))
        prefetch_front(port.queues[static_cast<std::size_t>(std::countr_zero(mask))], visit);
    }
  }
}

void Forwarder::prefetch_front(const TcQueue<FrameDescriptor>& queue, std::size_t frames) {
  const std::size_t ahead = std::min(queue.size(), frames);
  if (ahead == 0) return;
  auto next = queue.reader();
  for (std::size_t i = 0;; next.advance()) {
    rte_prefetch0((*next).packet);
    rte_prefetch0(static_cast<const char*>((*next).packet) + RTE_CACHE_LINE_SIZE);
    if (++i == ahead) break;
  }
}

// Residence times of the stream frames among slots_[0, n), a group at a time: consecutive frames
// of one stream queued by one poll (one enqueue time), of one length and traffic class, whose
// starts are evenly spaced (sent back to back). A batch mostly holds few such groups. A group's
// residences ascend by that step, so the tally finds the stretch in each bucket by a division
// (BucketTally::add_evenly), and its last frame decides for all of it whether a deadline was
// missed or a window overrun (held_past_window is monotone in the start time for one ready time
// and wire time). Each frame is looked at apart only when one was. The grouping loop keeps its
// state in registers and reads the slots through a local pointer: through the member, every
// store to a counter would make the compiler load it again.
void Forwarder::record_residence(ForwarderPort& port, const PortSchedule& ps, std::uint16_t n) {
  const TxSlot<FrameDescriptor>* const slots = slots_.data();
  // A class whose gate never closes cannot hold a frame past a window.
  const auto gated = static_cast<std::uint8_t>(~ps.gates.always_open_mask());
  const auto same_group = [](const TxSlot<FrameDescriptor>& a, const TxSlot<FrameDescriptor>& b) {
    return a.frame.stream == b.frame.stream && a.frame.enqueue_time == b.frame.enqueue_time &&
           a.frame.length == b.frame.length && a.traffic_class == b.traffic_class;
  };
  std::uint16_t i = 0;
  while (i < n) {
    const TxSlot<FrameDescriptor>& first = slots[i];
    if (first.frame.stream == kNoStream) {
      ++i;
      continue;
    }
    std::uint16_t end = i + 1;
    Nanos step{0};
    if (end < n && same_group(slots[end], first) && slots[end].start > first.start) {
      step = slots[end].start - first.start;
      ++end;
      while (end < n && same_group(slots[end], first) && slots[end].start - slots[end - 1].start == step) ++end;
    }
    record_group(port, ps, gated, std::span(slots + i, end - i), step);
    i = end;
  }
}

void Forwarder::record_group(ForwarderPort& port, const PortSchedule& ps, std::uint8_t gated,
                             std::span<const TxSlot<FrameDescriptor>> group, Nanos step) {
  const TxSlot<FrameDescriptor>& first = group.front();
  const TaiTime ready = first.frame.enqueue_time;
  const StreamHandle stream = first.frame.stream;
  const Nanos last_residence = group.back().start - ready;
  residence_[stream].add_evenly(group.size(), (first.start - ready).count(), step.count());
  const Nanos max_latency = telemetry_.max_latency[stream];
  if (last_residence > max_latency) {
    std::uint64_t misses = 0;
    for (const auto& s : group) misses += s.start - ready > max_latency ? 1 : 0;
    telemetry_.deadline_misses[stream]->add(0, misses);
  }
  const int tc = first.traffic_class;
  if (((gated >> tc) & 1U) == 0) return;
  const Nanos wire = ps.wire.frame(first.frame.length);
  WindowOverrunCheck& held = port.overrun[static_cast<std::size_t>(tc)];
  if (!held(ps.gates, tc, ready, group.back().start, wire)) return;
  std::uint64_t overruns = 0;
  for (const auto& s : group) overruns += held(ps.gates, tc, ready, s.start, wire) ? 1 : 0;
  telemetry_.window_overruns[stream]->add(0, overruns);
}

// Queue depths, and the residence times tallied since the last time (BucketTally).
void Forwarder::publish_telemetry() {
  for (auto& tally : residence_) tally.flush();
  for (auto& p : ports_)
    for (int tc = 0; tc < kTrafficClasses; ++tc)
      if (p.depth[tc]) p.depth[tc]->set(static_cast<double>(p.queues[static_cast<std::size_t>(tc)].size()));
}

void Forwarder::run(const std::atomic<bool>& stop) {
  if (const auto error = idle_.prepare_thread(settings_.rt_priority); !error.empty()) spdlog::warn("{}", error);
  qs_.go_online(kReaderId);
  const std::uint64_t start = rte_rdtsc();
  const auto port_count = static_cast<std::uint16_t>(ports_.size());
  while (!stop.load(std::memory_order_relaxed)) {
    qs_.quiescent(kReaderId);
    const GateSchedule& schedule = *schedule_.get();
    const ClockMapping& clock = *clock_.mapping();

    TaiTime now = clock.to_tai(rte_rdtsc());
    if (schedule.generation != schedule_generation_) {
      protection_.sync(schedule.protection, now);
      for (auto& p : ports_) {
        for (auto& check : p.overrun) check.reset();
        p.waited_queued = ForwarderPort::kNotWaiting;  // the new gates may open earlier
      }
      schedule_generation_ = schedule.generation;
    }
    if (stall_detector_.enabled())
      if (const auto stall = stall_detector_.at_iteration(now, paused_)) {
        telemetry_.stalls->record(*stall);
        protection_.host_stalled(stall->excess);
      }
    paused_ = Nanos{0};
    for (std::uint16_t p = 0; p < port_count; ++p) poll(p);
    for (std::uint16_t p = 0; p < port_count; ++p) receive(p, schedule, now);

    now = clock.to_tai(rte_rdtsc());
    // A gate about to open: wait for it on the TSC rather than start another RX round, so the
    // waiting frame goes out at the opening and not one loop iteration later.
    TaiTime next = kNever;
    for (const auto& p : ports_) next = std::min(next, p.waiting_for);
    if (next != kNever && next > now && next - now <= settings_.tx_spin) {
      const std::uint64_t deadline = clock.to_tsc(next);
      while (rte_rdtsc() < deadline) rte_pause();
      paused_ = next - now;
      now = clock.to_tai(rte_rdtsc());
    }
    // Ports whose gate has just opened for waiting frames send one frame each first, so the
    // last of them is not late by the other ports' whole bursts.
    for (std::uint16_t p = 0; p < port_count; ++p)
      if (ports_[p].waiting_for <= now) transmit(p, schedule, clock, now, 1);
    for (std::uint16_t p = 0; p < port_count; ++p)
      transmit(p, schedule, clock, now, static_cast<std::uint16_t>(kTxBurstsPerVisit * settings_.burst));
    prefetch_next_transmissions(now);

    if ((++iterations_ & kPublishMask) == 0) {
      publish_telemetry();
      protection_.tick(now);  // recovery reset timeouts and latent error tests without traffic
    }
    if (idle_.enabled()) paused_ += rest_if_idle(now);
  }
  publish_telemetry();
  elapsed_seconds_ = static_cast<double>(rte_rdtsc() - start) / static_cast<double>(rte_get_tsc_hz());
  qs_.go_offline(kReaderId);
}

// Nothing received, nothing that could be sent now: sleep until the next gate opening that
// frames wait for (less the spin margin, so they still leave on the TSC) or for the longest rest.
Nanos Forwarder::rest_if_idle(TaiTime now) {
  TaiTime wake = now + idle_.longest();
  for (const auto& p : ports_) {
    if (p.rx_count != 0) return Nanos{0};
    if (p.queues.nonempty_mask() == 0) continue;
    if (p.waiting_for == kNever || p.waiting_for <= now) return Nanos{0};
    wake = std::min(wake, p.waiting_for - settings_.tx_spin);
  }
  // Residence times tallied so far are published before a rest, not after it.
  for (auto& tally : residence_) tally.flush();
  return idle_.rest(wake - now);
}

void Forwarder::release_queued() {
  for (auto& p : ports_)
    for (int tc = 0; tc < kTrafficClasses; ++tc) {
      auto& q = p.queues[static_cast<std::size_t>(tc)];
      while (!q.empty()) rte_pktmbuf_free(static_cast<rte_mbuf*>(q.pop().packet));
    }
}

}  // namespace takt::dpdk
