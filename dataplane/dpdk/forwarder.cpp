#include "dataplane/dpdk/forwarder.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <span>

#include "dataplane/core/frame.hpp"
#include "dataplane/core/tx_selector.hpp"

namespace takt::dpdk {

namespace {

FdbConfig fdb_config(const bridge::BridgeConfig& config) {
  FdbConfig f;
  f.port_count = static_cast<PortId>(config.ports.size());
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

constexpr std::uint64_t kDepthPublishMask = 1023;  // queue-depth gauges every 1024 iterations

}  // namespace

Forwarder::Forwarder(const bridge::BridgeConfig& config, std::vector<std::uint16_t> dpdk_ports,
                     std::vector<const DeviceClock*> device_clocks, std::optional<LaunchTimeField> launch_field,
                     const ForwarderSettings& settings, const ForwarderTelemetry& telemetry, QuiescentStates& qs,
                     const TaiClock& clock, const RcuCell<GateSchedule>& schedule)
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
      burst_(settings.burst) {
  for (std::size_t i = 0; i < config.ports.size(); ++i) {
    ForwarderPort p;
    p.dpdk_id = dpdk_ports[i];
    p.queues = PortQueues<FrameDescriptor>(settings.queue_capacity);
    p.device_clock = device_clocks[i];
    p.lateness = telemetry.lateness[i];
    p.depth = telemetry.depth[i];
    ports_.push_back(std::move(p));
  }
}

void Forwarder::drop(const FrameDescriptor& d) {
  if (d.stream != kNoStream) ++streams_[d.stream].dropped;
  rte_pktmbuf_free(static_cast<rte_mbuf*>(d.packet));
}

void Forwarder::receive(std::uint16_t in, const GateSchedule& schedule, TaiTime now) {
  ForwarderPort& port = ports_[in];
  const std::uint16_t n = rte_eth_rx_burst(port.dpdk_id, 0, burst_.data(), settings_.burst);
  for (std::uint16_t i = 0; i < n; ++i) rte_prefetch0(rte_pktmbuf_mtod(burst_[i], void*));
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = burst_[i];
    const std::uint32_t length = rte_pktmbuf_pkt_len(m);
    ++port.counters.rx_frames;
    port.counters.rx_bytes += length;
    // Headers are in the first segment for every PMD we run on; a chained tail is payload.
    const ParsedFrame f = parse_frame(std::span<const std::uint8_t>(rte_pktmbuf_mtod(m, const std::uint8_t*), rte_pktmbuf_data_len(m)));
    if (!f.layer2_valid()) {
      ++port.counters.rx_malformed;
      rte_pktmbuf_free(m);
      continue;
    }
    const StreamHandle stream = streams_id_.identify(f);
    // Stations are learned from best-effort traffic; streams travel on static entries.
    if (stream == kNoStream && !f.source.is_group()) {
      switch (fdb_.learn(f.source, f.vid(), in, now)) {
        case LearnResult::kLearned: ++port.counters.learned_stations; break;
        case LearnResult::kMoved: ++port.counters.station_moves; break;
        case LearnResult::kTableFull: ++port.counters.learn_table_full; break;
        default: break;
      }
    }
    const ForwardingDecision d = fdb_.lookup(f.destination, f.vid(), in, now);
    switch (d.kind) {
      case ForwardingKind::kStatic: ++port.counters.forwarded_static; break;
      case ForwardingKind::kLearned: ++port.counters.forwarded_learned; break;
      case ForwardingKind::kFlood: ++port.counters.flooded; break;
    }
    if (stream != kNoStream) {
      ++streams_[stream].frames;
      streams_[stream].bytes += length;
    }
    if (d.egress.empty()) {
      ++port.counters.filtered_no_egress;
      if (stream != kNoStream) ++streams_[stream].dropped;
      rte_pktmbuf_free(m);
      continue;
    }
    // One mbuf, one reference per egress queue: frames are never modified on the way.
    if (const int copies = d.egress.size(); copies > 1) rte_mbuf_refcnt_update(m, static_cast<std::int16_t>(copies - 1));
    const FrameDescriptor desc{m, length, stream, now};
    d.egress.for_each([&](PortId out) {
      const std::uint8_t tc = schedule.ports[out].priority_map.traffic_class(f.pcp());
      if (!ports_[out].queues.enqueue(tc, desc)) drop(desc);
    });
  }
}

void Forwarder::transmit(std::uint16_t index, const GateSchedule& schedule, const ClockMapping& clock, TaiTime now,
                         std::uint16_t max_frames) {
  ForwarderPort& port = ports_[index];
  const PortSchedule& ps = schedule.ports[index];
  TaiTime t = std::max(now, port.link_free_at);
  const TaiTime horizon = now + settings_.tx_lookahead;
  const TaiTime opening = port.waiting_for;
  bool launched_at_opening = false;
  std::uint16_t n = 0;
  while (n < max_frames && t <= horizon) {
    TxSelection<FrameDescriptor> sel =
        select_for_transmission(port.queues, ps.gates, ps.link_rate_bps, t, [&](const FrameDescriptor& d, TxDropReason) { drop(d); });
    if (!sel.frame) {
      port.waiting_for = sel.wake_at;
      break;
    }
    port.waiting_for = kNever;
    // The first frame after a closed gate opened: what the lateness figure is about.
    if (n == 0 && opening != kNever && t >= opening && !ps.gates.is_open(sel.traffic_class, opening - Nanos{1}))
      launched_at_opening = true;
    rte_mbuf* m = static_cast<rte_mbuf*>(sel.frame->packet);
    if (port.device_clock) {
      if (auto ticks = port.device_clock->device_time(t)) launch_field_->stamp(m, *ticks);
      else ++port.io.launch_time_missing;
    }
    if (sel.frame->stream != kNoStream)
      telemetry_.residence[sel.frame->stream]->record(0, t - sel.frame->enqueue_time);
    burst_[n++] = m;
    t = sel.transmission_end;
  }
  if (n == 0) return;
  if (launched_at_opening) {
    const Nanos late = clock.to_tai(rte_rdtsc()) - opening;
    if (port.lateness) port.lateness->record(0, late);
    if (lateness_.enabled()) lateness_.add(late.count());
  }
  const std::uint16_t sent = rte_eth_tx_burst(port.dpdk_id, 0, burst_.data(), n);
  for (std::uint16_t i = 0; i < sent; ++i) {
    ++port.counters.tx_frames;
    port.counters.tx_bytes += rte_pktmbuf_pkt_len(burst_[i]);
  }
  if (sent < n) {
    port.io.tx_ring_full += n - sent;
    rte_pktmbuf_free_bulk(burst_.data() + sent, n - sent);
  }
  port.link_free_at = t;
}

void Forwarder::publish_depths() {
  for (auto& p : ports_)
    for (int tc = 0; tc < kTrafficClasses; ++tc)
      if (p.depth[tc]) p.depth[tc]->set(static_cast<double>(p.queues[static_cast<std::size_t>(tc)].size()));
}

void Forwarder::run(const std::atomic<bool>& stop) {
  qs_.go_online(kReaderId);
  const std::uint64_t start = rte_rdtsc();
  const auto port_count = static_cast<std::uint16_t>(ports_.size());
  while (!stop.load(std::memory_order_relaxed)) {
    qs_.quiescent(kReaderId);
    const GateSchedule& schedule = *schedule_.get();
    const ClockMapping& clock = *clock_.mapping();

    TaiTime now = clock.to_tai(rte_rdtsc());
    for (std::uint16_t p = 0; p < port_count; ++p) receive(p, schedule, now);

    now = clock.to_tai(rte_rdtsc());
    // A gate about to open: wait for it on the TSC rather than start another RX round, so the
    // waiting frame goes out at the opening and not one loop iteration later.
    TaiTime next = kNever;
    for (const auto& p : ports_) next = std::min(next, p.waiting_for);
    if (next != kNever && next > now && next - now <= settings_.tx_spin) {
      const std::uint64_t deadline = clock.to_tsc(next);
      while (rte_rdtsc() < deadline) rte_pause();
      now = clock.to_tai(rte_rdtsc());
    }
    // Ports whose gate has just opened for waiting frames send one frame each first, so the
    // last of them is not late by the other ports' whole bursts.
    for (std::uint16_t p = 0; p < port_count; ++p)
      if (ports_[p].waiting_for <= now) transmit(p, schedule, clock, now, 1);
    for (std::uint16_t p = 0; p < port_count; ++p) transmit(p, schedule, clock, now, settings_.burst);

    if ((++iterations_ & kDepthPublishMask) == 0) publish_depths();
  }
  publish_depths();
  elapsed_seconds_ = static_cast<double>(rte_rdtsc() - start) / static_cast<double>(rte_get_tsc_hz());
  qs_.go_offline(kReaderId);
}

void Forwarder::release_queued() {
  for (auto& p : ports_)
    for (int tc = 0; tc < kTrafficClasses; ++tc) {
      auto& q = p.queues[static_cast<std::size_t>(tc)];
      while (!q.empty()) rte_pktmbuf_free(static_cast<rte_mbuf*>(q.pop().packet));
    }
}

}  // namespace takt::dpdk
