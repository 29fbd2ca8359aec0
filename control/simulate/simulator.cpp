#include "control/simulate/simulator.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "control/export/bridge_config.hpp"
#include "control/simulate/event_queue.hpp"
#include "dataplane/core/fdb.hpp"
#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/ingress_classifier.hpp"
#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/stream_filter_table.hpp"
#include "dataplane/core/stream_id.hpp"
#include "dataplane/core/tc_queue.hpp"
#include "dataplane/core/tx_selector.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::simulate {

const char* to_string(Phasing p) { return p == Phasing::aligned ? "aligned" : "random"; }

namespace {

// IEEE 802 local experimental ethertype: no parser mistakes the payload for IP.
constexpr std::uint16_t kSimulatedEthertype = 0x88B5;
constexpr std::size_t kTaggedHeaderBytes = 18;
constexpr std::size_t kMinBufferBytes = 64;             // the classifier compares the first 22 bytes
constexpr std::int64_t kMaxSamplesPerRun = 50'000'000;  // 400 MB of latencies

// What a queue holds: the frame's length for wire times, and who sent it when for latency.
struct SimFrame {
  std::uint32_t length = 0;  // destination MAC to end of payload, as FrameDescriptor
  std::uint32_t stream = 0;  // index into plan.streams
  std::uint32_t seq = 0;     // per stream and run; redundant copies share it
  std::int64_t planned_ns = 0;
};

enum class Kind : std::uint8_t { send, enqueue, tx_end, wake };

// Small, so the event heap moves little: frames in flight wait in a pool beside it.
struct Payload {
  Kind kind = Kind::send;
  std::uint8_t traffic_class = 0;
  std::uint32_t index = 0;  // global port, or talker port for send
  std::uint32_t value = 0;  // send: the interval number; enqueue: the frame's pool slot
};

struct SimPort {
  model::PortRef ref;
  int node = -1;
  PortId local = 0;  // index in the bridge's configuration
  std::int64_t rate_bps = 0;
  std::int64_t propagation_ns = 0;
  int peer = -1;
  std::optional<GateControlList> gcl;  // base time set per run from the node's clock offset
  PcpToTrafficClass priority_map;
  GateEngine gates;
  PortQueues<SimFrame> queues;
  std::int64_t link_free_at = LLONG_MIN;
  std::int64_t wake_at = LLONG_MAX;  // the pending wake event, if any
  bool tx_end_pending = false;
};

// One bridge's core objects, built from the configuration the switch would receive.
struct BridgeCore {
  BridgeCore(const FdbConfig& f, const StreamIdentificationConfig& s) : fdb(f), ids(s), classifier(ids, fdb) {}
  Fdb fdb;
  StreamIdentifier ids;
  IngressClassifier classifier;
};

struct SimNode {
  std::string name;
  bool bridge = false;
  std::int64_t processing_min = 0;
  std::int64_t processing_max = 0;
  std::int64_t clock_offset = 0;  // node time minus true time, this run
  FdbConfig fdb_config;
  StreamIdentificationConfig stream_config;
  // Which 802.1Qci stream filter a frame meets and the priority its stream gate queues it as
  // (IPV), as takt-dataplane's forwarder looks it up. Gates are not evaluated: talkers keep to
  // the plan here.
  StreamFilterTable filters;
  std::unique_ptr<BridgeCore> core;
  std::vector<int> ports;          // local port id -> global port (bridges)
  std::vector<int> listener_slot;  // per stream: -1 when this node is not one of its listeners
};

struct TalkerPort {
  std::uint32_t stream = 0;
  int port = -1;
  std::uint8_t traffic_class = 0;
  std::int64_t offset_ns = 0;  // planned transmission offset within the interval (scheduled)
};

struct SimStream {
  std::vector<std::byte> bytes;  // the frame as sent: header, tag, zero payload
  std::uint32_t length = 0;
  std::int64_t intervals = 0;  // per run
  std::int64_t phase_ns = 0;   // this run
};

struct Slot {
  std::uint32_t stream = 0;
  std::string listener;
  std::vector<std::int64_t> samples;
  std::vector<std::int64_t> received;  // per seq, this run: latency of the first copy, -1 none
  std::int64_t lost = 0;
};

class Simulation {
 public:
  Simulation(const schedule::Plan& plan, const model::Plant& plant, const Options& options)
      : plan_(plan), plant_(plant), options_(options) {
    build_nodes_and_ports();
    build_streams();
  }

  SimulationResult run() {
    SimulationResult out;
    for (std::size_t r = 0; r < options_.runs.size(); ++r) run_once(options_.runs[r], r, out);
    for (auto& slot : slots_) {
      const schedule::StreamPlan& s = plan_.streams[slot.stream];
      ListenerResult lr;
      lr.stream = s.name;
      lr.listener = slot.listener;
      lr.kind = s.traffic_class;
      lr.frames = static_cast<std::int64_t>(slot.samples.size());
      lr.lost = slot.lost;
      std::sort(slot.samples.begin(), slot.samples.end());
      if (!slot.samples.empty()) {
        const auto rank = [&](double p) {
          const auto n = static_cast<double>(slot.samples.size());
          auto i = static_cast<std::size_t>(std::max(1.0, std::ceil(p * n))) - 1;
          return Nanos{slot.samples[std::min(i, slot.samples.size() - 1)]};
        };
        lr.min = Nanos{slot.samples.front()};
        lr.max = Nanos{slot.samples.back()};
        lr.p50 = rank(0.50);
        lr.p99 = rank(0.99);
      }
      for (const auto& t : s.listener_timing)
        if (t.listener == slot.listener) lr.planned_worst = t.worst_case_latency;
      out.listeners.push_back(std::move(lr));
    }
    return out;
  }

 private:
  int port_index(const model::PortRef& ref) const {
    const auto it = port_of_.find(ref);
    return it == port_of_.end() ? -1 : it->second;
  }

  void add_port(int node, const model::PortRef& ref, PortId local) {
    SimPort p;
    p.ref = ref;
    p.node = node;
    p.local = local;
    p.queues = PortQueues<SimFrame>(options_.queue_capacity);
    port_of_.emplace(ref, static_cast<int>(ports_.size()));
    ports_.push_back(std::move(p));
  }

  void build_nodes_and_ports() {
    for (const auto& n : plant_.nodes) {
      const int ni = static_cast<int>(nodes_.size());
      SimNode node;
      node.name = n.name;
      node.bridge = n.kind == model::NodeKind::bridge;
      const model::Profile& profile = plant_.profile_of(n);
      node.processing_min = profile.processing_delay_min.count();
      node.processing_max = std::max(profile.processing_delay_max.count(), node.processing_min);
      if (node.bridge) {
        // The configuration takt-dataplane would run, turned into core objects the way its
        // forwarder does (dataplane/dpdk/forwarder.cpp, gate_schedule.cpp).
        const bridge::BridgeConfig config = exporter::bridge_config(plan_, plant_, n.name);
        node.fdb_config.port_count = static_cast<PortId>(config.ports.size());
        for (const auto& e : config.static_fdb) {
          StaticFdbEntry s{e.destination, e.vlan, {}};
          for (const auto& name : e.ports) s.ports.add(static_cast<PortId>(*config.port_index(name)));
          node.fdb_config.static_entries.push_back(s);
        }
        for (std::size_t i = 0; i < config.streams.size(); ++i)
          node.stream_config.null_streams.push_back(
              {config.streams[i].destination, config.streams[i].vlan, static_cast<StreamHandle>(i)});
        node.filters = bridge::stream_filter_table(config);
        for (std::size_t i = 0; i < config.ports.size(); ++i) {
          const bridge::BridgePort& bp = config.ports[i];
          node.ports.push_back(static_cast<int>(ports_.size()));
          add_port(ni, {n.name, bp.name}, static_cast<PortId>(i));
          SimPort& p = ports_.back();
          p.rate_bps = bp.link_rate_bps;
          p.priority_map = PcpToTrafficClass(bp.priority_to_traffic_class);
          if (bp.gates.gate_enabled) p.gcl = bridge::gate_control_list(bp.gates);
        }
      } else {
        // An end station sends through its port's planned list, if the plan gave it one.
        for (const auto& port : n.ports) {
          const model::PortRef ref{n.name, port};
          const model::Link* link = plant_.link_at(ref);
          if (!link) continue;
          add_port(ni, ref, 0);
          SimPort& p = ports_.back();
          p.rate_bps = link->rate_bps;
          if (const schedule::PortPlan* pp = plan_.find_port(ref)) {
            if (pp->rate_bps > 0) p.rate_bps = pp->rate_bps;
            if (!pp->gcl.empty()) {
              GateControlList l;
              for (const auto& e : pp->gcl)
                l.entries.push_back({static_cast<std::uint8_t>(e.gate_states & 0xFFU), e.interval});
              l.cycle_time = pp->cycle_time;
              p.gcl = l;
            }
          }
        }
      }
      nodes_.push_back(std::move(node));
    }
    for (auto& p : ports_) {
      if (const auto peer = plant_.peer_of(p.ref)) p.peer = port_index(*peer);
      if (const model::Link* link = plant_.link_at(p.ref)) p.propagation_ns = link->propagation.count();
    }
  }

  int node_index(const std::string& name) const {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].name == name) return static_cast<int>(i);
    return -1;
  }

  void build_streams() {
    period_ns_ = plan_.hyperperiod.count();
    if (period_ns_ <= 0)
      for (const auto& s : plan_.streams) period_ns_ = std::max(period_ns_, s.interval.count());
    if (period_ns_ <= 0) period_ns_ = 1'000'000;
    const std::int64_t budget = plan_.sync_error_budget.count();
    // Every clock may be up to half the budget off; start late enough that no node's first gate
    // cycle starts after the first frame reaches it, on a hyperperiod boundary.
    epoch_ns_ = period_ns_ * (1 + budget / period_ns_);
    duration_ns_ = period_ns_ * std::max(1, options_.hyperperiods);

    for (auto& n : nodes_)
      if (!n.bridge) n.listener_slot.assign(plan_.streams.size(), -1);
    std::int64_t samples_per_run = 0;
    for (std::uint32_t si = 0; si < plan_.streams.size(); ++si) {
      const schedule::StreamPlan& s = plan_.streams[si];
      if (s.interval <= Nanos{0})
        throw std::invalid_argument(fmt::format("stream {}: the plan gives it no interval", s.name));
      const model::Node* talker = plant_.find_node(s.talker);
      if (!talker)
        throw std::invalid_argument(
            fmt::format("stream {}: talker {} is not in plant {}", s.name, s.talker, plant_.name));
      SimStream ss;
      ss.intervals = ceil_div(duration_ns_, s.interval.count());
      ss.length = static_cast<std::uint32_t>(kTaggedHeaderBytes + static_cast<std::size_t>(s.frame_payload));
      ss.bytes.assign(std::max<std::size_t>(ss.length, kMinBufferBytes), std::byte{0});
      const auto dst = MacAddress::parse(s.destination_mac);
      if (!dst)
        throw std::invalid_argument(
            fmt::format("stream {}: destination MAC '{}' is not valid", s.name, s.destination_mac));
      MacAddress src = MacAddress::from_u64(0x0200'0000'0000ULL + static_cast<std::uint64_t>(node_index(s.talker)));
      if (!talker->mac.empty())
        if (const auto m = MacAddress::parse(talker->mac)) src = *m;
      std::size_t at = 0;
      for (auto o : dst->octets) ss.bytes[at++] = std::byte{o};
      for (auto o : src.octets) ss.bytes[at++] = std::byte{o};
      const auto put16 = [&](std::uint16_t v) {
        ss.bytes[at++] = std::byte{static_cast<std::uint8_t>(v >> 8)};
        ss.bytes[at++] = std::byte{static_cast<std::uint8_t>(v & 0xFF)};
      };
      put16(kTpidCustomerVlan);
      put16(static_cast<std::uint16_t>(((s.pcp & 7) << 13) | (s.vlan & 0x0FFF)));
      put16(kSimulatedEthertype);
      const std::int64_t ss_intervals = ss.intervals;
      streams_.push_back(std::move(ss));
      redundant_.push_back(s.trees.size() > 1);

      for (const auto& hop : s.hops) {
        if (!hop.upstream.empty()) continue;
        const int p = port_index(hop.egress);
        if (p < 0 || hop.egress.node != s.talker)
          throw std::invalid_argument(
              fmt::format("stream {}: its first hop leaves from {}, not a linked port of talker {}", s.name,
                          hop.egress.str(), s.talker));
        // Redundant trees may share the talker's port: it still sends each frame once there.
        const bool sent_here = std::any_of(talkers_.begin(), talkers_.end(),
                                           [&](const TalkerPort& t) { return t.stream == si && t.port == p; });
        if (!sent_here)
          talkers_.push_back({si, p, static_cast<std::uint8_t>(hop.traffic_class & 7), hop.offset.count()});
      }
      for (const auto& l : s.listeners) {
        const int ni = node_index(l);
        if (ni < 0 || nodes_[static_cast<std::size_t>(ni)].bridge)
          throw std::invalid_argument(
              fmt::format("stream {}: listener {} is not an end station of plant {}", s.name, l, plant_.name));
        nodes_[static_cast<std::size_t>(ni)].listener_slot[si] = static_cast<int>(slots_.size());
        slots_.push_back(Slot{si, l, {}, {}, 0});
        samples_per_run += ss_intervals * s.frames_per_interval;
      }
    }
    // Every received frame keeps its latency until the end: bound the memory that takes.
    if (samples_per_run > kMaxSamplesPerRun)
      throw std::invalid_argument(
          fmt::format("{} hyperperiods make {} frames per listener and run, more than the {} a run may hold; "
                      "simulate fewer hyperperiods",
                      options_.hyperperiods, samples_per_run, kMaxSamplesPerRun));
  }

  void run_once(Phasing phasing, std::size_t r, SimulationResult& out) {
    std::mt19937_64 rng(options_.seed * 0x9E37'79B9'7F4A'7C15ULL + r);
    rng_ = &rng;
    const std::int64_t half_budget = plan_.sync_error_budget.count() / 2;
    std::uniform_int_distribution<std::int64_t> offset(-half_budget, half_budget);
    for (auto& n : nodes_) {
      n.clock_offset = offset(rng);
      if (n.bridge) n.core = std::make_unique<BridgeCore>(n.fdb_config, n.stream_config);
    }
    for (auto& p : ports_) {
      p.gates = GateEngine(kAllGatesOpen);
      if (p.gcl) {
        // The node's gate cycles start at multiples of the cycle in its own time.
        const TaiTime base = tai_ns(-nodes_[static_cast<std::size_t>(p.node)].clock_offset);
        GateControlList l = *p.gcl;
        l.base_time = base;
        p.gates.set_admin(l, base);
      }
      p.queues = PortQueues<SimFrame>(options_.queue_capacity);
      p.link_free_at = LLONG_MIN;
      p.wake_at = LLONG_MAX;
      p.tx_end_pending = false;
    }
    for (std::uint32_t si = 0; si < streams_.size(); ++si) {
      const schedule::StreamPlan& s = plan_.streams[si];
      SimStream& ss = streams_[si];
      ss.phase_ns = 0;
      if (phasing == Phasing::random && s.traffic_class != model::TrafficClassKind::scheduled)
        ss.phase_ns = std::uniform_int_distribution<std::int64_t>(0, s.interval.count() - 1)(rng);
    }
    for (auto& slot : slots_)
      slot.received.assign(
          static_cast<std::size_t>(streams_[slot.stream].intervals * plan_.streams[slot.stream].frames_per_interval),
          -1);
    last_seq_.assign(ports_.size() * streams_.size(), -1);
    capturing_ = r == 0 && options_.capture_port && options_.on_capture;
    capture_port_ = capturing_ ? port_index(*options_.capture_port) : -1;

    for (std::uint32_t t = 0; t < talkers_.size(); ++t) {
      Payload p;
      p.kind = Kind::send;
      p.index = t;
      p.value = 0;
      events_.push(send_time(t, 0), p);
    }
    while (!events_.empty()) {
      const auto e = events_.pop();
      ++out.events;
      handle(e.at, e.payload, out);
    }
    for (auto& slot : slots_)
      for (auto latency : slot.received) {
        if (latency < 0)
          ++slot.lost;
        else
          slot.samples.push_back(latency);
      }
    out.simulated_ns = duration_ns_;
    out.eliminated_duplicates = eliminated_;
    rng_ = nullptr;
  }

  // True time at which a talker port hands interval k's frames to its queues.
  std::int64_t send_time(std::uint32_t t, std::int64_t k) const {
    const TalkerPort& tp = talkers_[t];
    const schedule::StreamPlan& s = plan_.streams[tp.stream];
    const std::int64_t within =
        s.traffic_class == model::TrafficClassKind::scheduled ? tp.offset_ns : streams_[tp.stream].phase_ns;
    const std::int64_t local = epoch_ns_ + k * s.interval.count() + within;
    return local - nodes_[static_cast<std::size_t>(ports_[static_cast<std::size_t>(tp.port)].node)].clock_offset;
  }

  std::uint32_t hold(const SimFrame& f) {
    if (free_slots_.empty()) {
      pool_.push_back(f);
      return static_cast<std::uint32_t>(pool_.size() - 1);
    }
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = f;
    return slot;
  }
  SimFrame release(std::uint32_t slot) {
    free_slots_.push_back(slot);
    return pool_[slot];
  }

  void handle(std::int64_t now, const Payload& e, SimulationResult& out) {
    switch (e.kind) {
      case Kind::send:
        send(now, e.index, e.value, out);
        break;
      case Kind::enqueue:
        if (!ports_[e.index].queues.enqueue(e.traffic_class, release(e.value))) ++out.dropped_queue_full;
        try_transmit(now, e.index, out);
        break;
      case Kind::tx_end:
        ports_[e.index].tx_end_pending = false;
        try_transmit(now, e.index, out);
        break;
      case Kind::wake:
        if (ports_[e.index].wake_at != now) break;  // superseded by an earlier wake
        ports_[e.index].wake_at = LLONG_MAX;
        try_transmit(now, e.index, out);
        break;
    }
  }

  void send(std::int64_t now, std::uint32_t t, std::uint32_t k, SimulationResult& out) {
    const TalkerPort& tp = talkers_[t];
    const schedule::StreamPlan& s = plan_.streams[tp.stream];
    // Scheduled latency counts from the planned instant in true time, so a talker's clock
    // error shows in it; the others count from when the frames were handed over.
    const std::int64_t planned =
        s.traffic_class == model::TrafficClassKind::scheduled
            ? epoch_ns_ + static_cast<std::int64_t>(k) * s.interval.count() + s.talker_offset.count()
            : now;
    SimPort& port = ports_[static_cast<std::size_t>(tp.port)];
    for (int j = 0; j < s.frames_per_interval; ++j) {
      const SimFrame f{streams_[tp.stream].length, tp.stream,
                       static_cast<std::uint32_t>(static_cast<std::int64_t>(k) * s.frames_per_interval + j), planned};
      ++out.frames_sent;
      if (!port.queues.enqueue(tp.traffic_class, f)) ++out.dropped_queue_full;
    }
    try_transmit(now, static_cast<std::uint32_t>(tp.port), out);
    if (static_cast<std::int64_t>(k) + 1 < streams_[tp.stream].intervals) {
      Payload p;
      p.kind = Kind::send;
      p.index = t;
      p.value = k + 1;
      events_.push(send_time(t, k + 1), p);
    }
  }

  void arrive(std::int64_t now, std::uint32_t port_index, const SimFrame& f) {
    const SimPort& in = ports_[port_index];
    SimNode& node = nodes_[static_cast<std::size_t>(in.node)];
    if (!node.bridge) {
      const int slot = node.listener_slot[f.stream];
      if (slot < 0) return;  // flooded to a station that does not listen
      Slot& s = slots_[static_cast<std::size_t>(slot)];
      if (f.seq >= s.received.size()) return;
      // Copies of a redundant stream are handled in the order they were sent; the listener keeps
      // whichever arrives first.
      const std::int64_t latency = now - f.planned_ns;
      if (s.received[f.seq] < 0 || latency < s.received[f.seq]) s.received[f.seq] = latency;
      return;
    }
    // The bridge sees the frame as received, in the node's own time.
    node.core->classifier.start_burst(in.local, tai_ns(now + node.clock_offset));
    const IngressDecision d = node.core->classifier.classify(
        std::span<const std::byte>(streams_[f.stream].bytes.data(), streams_[f.stream].bytes.size()));
    if (!d.valid) return;
    const std::int64_t processing =
        node.processing_max > node.processing_min
            ? std::uniform_int_distribution<std::int64_t>(node.processing_min, node.processing_max)(*rng_)
            : node.processing_min;
    // A stream gate with an IPV queues the frame by it; the frame keeps its PCP.
    const std::uint8_t priority = node.filters.queue_priority(d.stream, in.local, d.pcp);
    d.forwarding.egress.for_each([&](PortId out) {
      const int g = node.ports[out];
      // Redundant trees that meet again share one transmission per hop in the plan: the bridge
      // passes the first copy of each frame and eliminates the others there (IEEE 802.1CB).
      if (redundant_[f.stream]) {
        std::int64_t& last = last_seq_[static_cast<std::size_t>(g) * streams_.size() + f.stream];
        if (static_cast<std::int64_t>(f.seq) <= last) {
          ++eliminated_;
          return;
        }
        last = f.seq;
      }
      Payload p;
      p.kind = Kind::enqueue;
      p.index = static_cast<std::uint32_t>(g);
      p.traffic_class = ports_[static_cast<std::size_t>(g)].priority_map.traffic_class(priority);
      p.value = hold(f);
      events_.push(now + processing, p);
    });
  }

  void try_transmit(std::int64_t now, std::uint32_t index, SimulationResult& out) {
    SimPort& p = ports_[index];
    if (p.link_free_at > now) {  // the transmission's end tries again
      if (!p.tx_end_pending) {
        p.tx_end_pending = true;
        Payload e;
        e.kind = Kind::tx_end;
        e.index = index;
        events_.push(p.link_free_at, e);
      }
      return;
    }
    const TxSelection<SimFrame> sel =
        select_for_transmission(p.queues, p.gates, p.rate_bps, tai_ns(now),
                                [&](const SimFrame&, TxDropReason) { ++out.dropped_window_too_small; });
    if (sel.frame) {
      const std::int64_t end = ns_of(sel.transmission_end);
      p.link_free_at = end;
      ++out.frame_hops;
      if (capturing_ && static_cast<int>(index) == capture_port_) {
        const SimStream& ss = streams_[sel.frame->stream];
        options_.on_capture(now, std::span<const std::byte>(ss.bytes.data(), ss.length));
      }
      Payload e;
      e.index = index;
      // With nothing left to send no event is needed: a frame enqueued while the link is busy
      // schedules the retry itself.
      if (p.queues.nonempty_mask() != 0) {
        p.tx_end_pending = true;
        e.kind = Kind::tx_end;
        events_.push(end, e);
      }
      // The peer's reaction depends only on the frame and the arrival time (static FDB entries
      // and stream identification; learning and aging take the arrival time), so it is
      // computed now rather than through an arrival event: one event less per hop.
      if (p.peer >= 0) arrive(end + p.propagation_ns, static_cast<std::uint32_t>(p.peer), *sel.frame);
    } else if (sel.wake_at != kNever) {
      const std::int64_t w = ns_of(sel.wake_at);
      if (p.wake_at <= now || w < p.wake_at) {
        p.wake_at = w;
        Payload e;
        e.kind = Kind::wake;
        e.index = index;
        events_.push(w, e);
      }
    }
  }

  const schedule::Plan& plan_;
  const model::Plant& plant_;
  const Options& options_;
  std::vector<SimNode> nodes_;
  std::vector<SimPort> ports_;
  std::map<model::PortRef, int> port_of_;
  std::vector<SimStream> streams_;
  std::vector<TalkerPort> talkers_;
  std::vector<Slot> slots_;
  EventQueue<Payload> events_;
  std::vector<SimFrame> pool_;  // frames in flight between ports
  std::vector<std::uint32_t> free_slots_;
  std::vector<bool> redundant_;         // per stream: more than one tree
  std::vector<std::int64_t> last_seq_;  // per port and redundant stream: last copy passed
  std::uint64_t eliminated_ = 0;
  std::mt19937_64* rng_ = nullptr;
  std::int64_t period_ns_ = 0;
  std::int64_t epoch_ns_ = 0;
  std::int64_t duration_ns_ = 0;
  bool capturing_ = false;
  int capture_port_ = -1;
};

}  // namespace

SimulationResult run(const schedule::Plan& plan, const model::Plant& plant, const Options& options) {
  Simulation sim(plan, plant, options);
  return sim.run();
}

}  // namespace takt::simulate
