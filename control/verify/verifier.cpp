#include "control/verify/verifier.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "dataplane/core/wire.hpp"
#include "dataplane/core/r_tag.hpp"

namespace takt::schedule {
namespace {

using routing::Issue;
using routing::Issues;

std::int64_t mod(std::int64_t a, std::int64_t m) {
  const auto r = a % m;
  return r < 0 ? r + m : r;
}

// Ports are looked up once or more per hop of every stream: hashed, not compared by name.
struct PortRefHash {
  std::size_t operator()(const model::PortRef& p) const {
    return std::hash<std::string>{}(p.node) * 31 + std::hash<std::string>{}(p.port);
  }
};

// The plant, indexed the way the checks need it; built here so the verifier shares no code
// path with the synthesiser beyond the plant types and wire.hpp.
struct PlantIndex {
  std::unordered_map<std::string, const model::Node*> nodes;
  std::unordered_map<std::string, const model::Profile*> profiles;
  std::unordered_map<std::string, const model::Stream*> streams;
  struct Side {
    const model::Link* link;
    model::PortRef peer;
  };
  std::unordered_map<model::PortRef, Side, PortRefHash> links;
  model::Profile fallback;

  explicit PlantIndex(const model::Plant& p) {
    fallback.name = "default";
    for (const auto& n : p.nodes) nodes[n.name] = &n;
    for (const auto& pr : p.profiles) profiles[pr.name] = &pr;
    for (const auto& s : p.streams) streams[s.name] = &s;
    for (const auto& l : p.links) {
      links[l.a] = {&l, l.b};
      links[l.b] = {&l, l.a};
    }
  }
  const model::Profile& profile_of(const std::string& node) const {
    const auto n = nodes.find(node);
    if (n == nodes.end()) return fallback;
    const auto p = profiles.find(n->second->profile);
    return p == profiles.end() ? fallback : *p->second;
  }
  bool is_bridge(const std::string& node) const {
    const auto n = nodes.find(node);
    return n != nodes.end() && n->second->kind == model::NodeKind::bridge;
  }
};

// A port's gate control list as a function of time.
struct Gates {
  const PortPlan* port = nullptr;
  std::size_t ordinal = 0;          // position in port order, where the spans on it are collected
  std::vector<std::int64_t> begin;  // entry start offsets within the cycle
  std::int64_t cycle = 0;

  explicit Gates(const PortPlan& p) : port(&p), cycle(p.cycle_time.count()) {
    std::int64_t t = 0;
    for (const auto& e : p.gcl) {
      begin.push_back(t);
      t += e.interval.count();
    }
  }
  std::size_t entry_at(std::int64_t offset) const {
    const auto it = std::upper_bound(begin.begin(), begin.end(), offset);
    return static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, (it - begin.begin()) - 1));
  }
  // Union of gate states over [t, t + len), and whether `bit` is open throughout.
  std::pair<std::uint32_t, bool> states_over(std::int64_t t, std::int64_t len, std::uint32_t bit) const {
    std::uint32_t all = 0;
    bool open = true;
    std::int64_t pos = mod(t, cycle), left = len;
    std::size_t e = entry_at(pos);
    for (std::size_t guard = 0; left > 0 && guard <= port->gcl.size() + 1; ++guard) {
      const auto& entry = port->gcl[e];
      all |= entry.gate_states;
      if (!(entry.gate_states & bit)) open = false;
      const auto end = begin[e] + entry.interval.count();
      left -= end - pos;
      e = (e + 1) % port->gcl.size();
      pos = begin[e];
    }
    return {all, open};
  }
  // When a frame queued at absolute time e can leave at the soonest: the first instant from e
  // on at which the gate of `bit` is open for its whole wire time (a frame is sent only if it
  // ends before its gate closes). The gate may have opened for another window of the class, or
  // for a merged gap, at any distance before its own window at `start`; never later than start.
  std::int64_t earliest_departure(std::int64_t e, std::int64_t start, std::uint32_t bit, std::int64_t wire) const {
    std::int64_t pos = mod(e, cycle);
    std::size_t i = entry_at(pos);
    std::int64_t entry_start = e - pos + begin[i];
    std::int64_t open_from = -1;  // start of the open stretch being walked, or -1 while closed
    // From e to start, and on through a stretch still open at start; a stretch reaching a cycle
    // past start cannot be, as the window's own entries are within one interval.
    for (std::int64_t t = entry_start; t < start || open_from >= 0;) {
      const auto& entry = port->gcl[i];
      const std::int64_t entry_end = entry_start + entry.interval.count();
      if (entry.gate_states & bit) {
        if (open_from < 0) open_from = std::max(entry_start, e);
        if (open_from > start) return start;
        if (entry_end - open_from >= wire) return open_from;
      } else {
        open_from = -1;
      }
      t = entry_end;
      entry_start = entry_end;
      i = (i + 1) % port->gcl.size();
      if (t > start + cycle) break;
    }
    return start;
  }
  // Calls f(start, length) for each part of [from, to) during which the gate of `bit` is open
  // (adjacent open entries are one part).
  template <class F>
  void open_parts(std::int64_t from, std::int64_t to, std::uint32_t bit, F&& f) const {
    std::int64_t part_start = 0, part_length = 0;  // the part being extended; none while length is 0
    std::int64_t pos = mod(from, cycle);
    std::size_t i = entry_at(pos);
    std::int64_t entry_start = from - pos + begin[i];
    while (entry_start < to) {
      const std::int64_t entry_end = entry_start + port->gcl[i].interval.count();
      if (port->gcl[i].gate_states & bit) {
        const auto a = std::max(entry_start, from), b = std::min(entry_end, to);
        if (part_length > 0 && part_start + part_length == a) {
          part_length += b - a;
        } else if (b > a) {
          if (part_length > 0) f(part_start, part_length);
          part_start = a, part_length = b - a;
        }
      }
      entry_start = entry_end;
      i = (i + 1) % port->gcl.size();
    }
    if (part_length > 0) f(part_start, part_length);
  }
};

// An occupancy of a port within its cycle: [start, start + length) on the circle.
struct Span {
  std::int64_t start;
  std::int64_t length;
  const std::string* stream;
};

void check_disjoint(std::vector<Span>& spans, std::int64_t cycle, const std::string& port, const char* what,
                    Issues& out) {
  if (spans.size() < 2) return;
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const auto& a = spans[i];
    const auto& b = spans[(i + 1) % spans.size()];
    const auto b_start = i + 1 < spans.size() ? b.start : b.start + cycle;
    if (a.start + a.length > b_start && !(a.stream == b.stream && spans.size() == 1)) {
      out.push_back({*a.stream, port,
                     fmt::format("port {}: {} of stream {} at {} (+{}) overlaps that of stream {} at {}", port, what,
                                 *a.stream, readable_duration(Nanos{a.start}), readable_duration(Nanos{a.length}),
                                 *b.stream, readable_duration(Nanos{b.start}))});
      return;  // one per port and kind is enough to act on
    }
  }
}

int openings(const std::vector<GateControlEntry>& gcl, std::uint32_t bit) {
  int n = 0;
  for (std::size_t i = 0; i < gcl.size(); ++i)
    if ((gcl[i].gate_states & bit) && !(i > 0 && (gcl[i - 1].gate_states & bit))) ++n;
  if (n > 1 && (gcl.front().gate_states & bit) && (gcl.back().gate_states & bit)) --n;
  return n;
}

class Verifier {
 public:
  Verifier(const Plan& plan, const model::Plant& plant) : plan_(plan), plant_(plant), index_(plant) {}
  Issues run();

 private:
  void check_port_lists();
  void check_stream(const StreamPlan& sp);
  void replay_stream(const StreamPlan& sp, const model::Stream& s, const std::vector<std::int64_t>& wire);
  void add(const std::string& stream, const std::string& port, std::string msg) {
    issues_.push_back({stream, port, std::move(msg)});
  }

  const PortPlan* find_port(const model::PortRef& p) const {
    const auto it = port_index_.find(p);
    return it == port_index_.end() ? nullptr : it->second;
  }
  void index_plan();

  const Plan& plan_;
  const model::Plant& plant_;
  PlantIndex index_;
  // The plan looked up by name as Plan::find_port and find_stream would (the first of a name),
  // without their linear scans: a plan of ten thousand streams is checked in seconds, not hours.
  std::unordered_map<model::PortRef, const PortPlan*, PortRefHash> port_index_;
  std::unordered_map<std::string, const StreamPlan*> stream_index_;
  struct ListedWindow {
    const PortPlan* port;
    const Window* window;
  };
  static int hop_of(const ListedWindow& x) { return x.window->hop; }
  static int hop_of(int hop) { return hop; }
  std::unordered_map<std::string, std::vector<ListedWindow>> listed_windows_;  // by stream name, sorted by hop
  std::map<model::PortRef, Gates> gates_;
  std::unordered_map<model::PortRef, const Gates*, PortRefHash> gates_by_port_;
  // By Gates::ordinal (and traffic class): one vector index per window, not a lookup by name.
  std::vector<std::vector<Span>> transmissions_;
  std::vector<std::map<int, std::vector<Span>>> occupancies_;  // by ordinal, then traffic class
  std::int64_t sync_ = 0;
  Issues issues_;
};

void Verifier::index_plan() {
  for (const auto& p : plan_.ports) {
    port_index_.emplace(p.port, &p);
    for (const auto& w : p.windows) listed_windows_[w.stream].push_back({&p, &w});
  }
  for (auto& [stream, windows] : listed_windows_)
    std::stable_sort(windows.begin(), windows.end(),
                     [](const ListedWindow& a, const ListedWindow& b) { return a.window->hop < b.window->hop; });
  for (const auto& sp : plan_.streams) stream_index_.emplace(sp.name, &sp);
}

void Verifier::check_port_lists() {
  for (const auto& p : plan_.ports) {
    const auto name = p.port.str();
    const auto& prof = index_.profile_of(p.port.node);
    const auto cycle = p.cycle_time.count();
    if (cycle <= 0) {
      add("", name, fmt::format("port {} has no cycle time", name));
      continue;
    }
    std::int64_t sum = 0;
    bool bad = false;
    for (const auto& e : p.gcl) {
      sum += e.interval.count();
      if (e.interval < prof.min_gate_interval || e.interval.count() <= 0) {
        add("", name,
            fmt::format("port {}: gate entry of {} is shorter than the profile {}'s minimum {}", name,
                        readable_duration(e.interval), prof.name, readable_duration(prof.min_gate_interval)));
        bad = true;
      }
      if (prof.granularity.count() > 1 && e.interval.count() % prof.granularity.count() != 0) {
        add("", name,
            fmt::format("port {}: gate entry of {} is not a multiple of the profile {}'s granularity {}", name,
                        readable_duration(e.interval), prof.name, readable_duration(prof.granularity)));
        bad = true;
      }
      if (prof.queues < 32 && (e.gate_states >> prof.queues) != 0) {
        add("", name,
            fmt::format("port {}: gate states 0x{:x} name traffic classes beyond the {} queues of profile {}", name,
                        e.gate_states, prof.queues, prof.name));
        bad = true;
      }
    }
    if (p.gcl.empty() || sum != cycle) {
      add("", name,
          fmt::format("port {}: gate control list intervals sum to {} ns, not the cycle time {} ns", name, sum, cycle));
      continue;
    }
    if (static_cast<int>(p.gcl.size()) > prof.max_gcl_entries)
      add("", name,
          fmt::format("port {}: {} gate control entries where its profile {} allows {}", name, p.gcl.size(), prof.name,
                      prof.max_gcl_entries));
    if (p.cycle_time > prof.max_cycle_time)
      add("", name,
          fmt::format("port {}: cycle {} is longer than the profile {}'s maximum {}", name,
                      readable_duration(p.cycle_time), prof.name, readable_duration(prof.max_cycle_time)));
    if (plan_.hyperperiod.count() <= 0 || plan_.hyperperiod.count() % cycle != 0)
      add("", name,
          fmt::format("port {}: cycle {} does not divide the hyperperiod {}", name, readable_duration(p.cycle_time),
                      readable_duration(plan_.hyperperiod)));
    if (prof.one_window_per_queue)
      for (int c = 0; c < prof.queues; ++c)
        if (openings(p.gcl, 1u << c) > 1)
          add("", name,
              fmt::format("port {}: traffic class {} opens {} times per cycle; profile {} allows one window "
                          "per queue",
                          name, c, openings(p.gcl, 1u << c), prof.name));
    if (bad) continue;
    gates_.emplace(p.port, Gates(p));
  }
}

void Verifier::check_stream(const StreamPlan& sp) {
  const auto it = index_.streams.find(sp.name);
  if (it == index_.streams.end()) {
    add(sp.name, "", fmt::format("stream {} is in the plan but not in the plant", sp.name));
    return;
  }
  const auto& s = *it->second;
  const auto P = sp.interval.count();
  if (P != s.interval.count() || P <= 0) {
    add(sp.name, "",
        fmt::format("stream {}: plan interval {} differs from the plant's {}", sp.name, readable_duration(sp.interval),
                    readable_duration(s.interval)));
    return;
  }
  const std::int64_t n = sp.frames_per_interval;
  if (n * sp.frame_payload < static_cast<std::int64_t>(std::max(1, s.max_frames_per_interval)) * s.max_frame_size)
    add(sp.name, "",
        fmt::format("stream {}: {} frames of {} B per interval cannot carry {} x {} B", sp.name, n, sp.frame_payload,
                    std::max(1, s.max_frames_per_interval), s.max_frame_size));
  // Route: hops follow links, upstream hops end where this one starts, listeners reached.
  std::vector<std::int64_t> wire(sp.hops.size(), 0);
  // Per hop: its link and the transmitting node's profile, looked up once.
  std::vector<const PlantIndex::Side*> link_of(sp.hops.size(), nullptr);
  std::vector<const model::Profile*> profile_of(sp.hops.size(), nullptr);
  bool route_ok = true;
  for (std::size_t h = 0; h < sp.hops.size(); ++h) {
    const auto& hop = sp.hops[h];
    const auto link = index_.links.find(hop.egress);
    profile_of[h] = &index_.profile_of(hop.egress.node);
    if (link == index_.links.end() || link->second.peer != hop.ingress) {
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: hop {} -> {} is not a link of the plant", sp.name, hop.egress.str(),
                      hop.ingress.str()));
      route_ok = false;
      continue;
    }
    link_of[h] = &link->second;
    const auto& prof = *profile_of[h];
    if (sp.frame_payload > prof.max_frame_size || sp.frame_payload > index_.profile_of(hop.ingress.node).max_frame_size)
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: frames of {} B exceed the frame size limit at {}", sp.name, sp.frame_payload,
                      hop.egress.str()));
    // Redundant streams carry an 802.1CB R-TAG inside the trees: windows must fit the tagged frame.
    const std::int64_t wire_payload =
        sp.frame_payload + (sp.trees.size() > 1 ? static_cast<std::int64_t>(kRTagBytes) : std::int64_t{0});
    wire[h] =
        model::frame_wire_time(plant_.defaults.frame_model, wire_payload, true, link->second.link->rate_bps).count();
    if (hop.upstream.empty() && hop.egress.node != sp.talker) {
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: first hop leaves {} instead of talker {}", sp.name, hop.egress.node, sp.talker));
      route_ok = false;
    }
    for (int u : hop.upstream) {
      if (u < 0 || static_cast<std::size_t>(u) >= h ||
          sp.hops[static_cast<std::size_t>(u)].ingress.node != hop.egress.node) {
        add(sp.name, hop.egress.str(),
            fmt::format("stream {}: hop {} does not continue from its upstream hop", sp.name, hop.egress.str()));
        route_ok = false;
      }
    }
    if (!hop.upstream.empty() && !index_.is_bridge(hop.egress.node)) {
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: end station {} would have to forward", sp.name, hop.egress.node));
      route_ok = false;
    }
  }
  for (const auto& l : s.listeners) {
    const bool reached = std::any_of(sp.hops.begin(), sp.hops.end(), [&](const Hop& h) { return h.ingress.node == l; });
    if (!reached) {
      add(sp.name, "", fmt::format("stream {}: listener {} is not reached", sp.name, l));
      route_ok = false;
    }
  }
  if (!route_ok || s.traffic_class != model::TrafficClassKind::scheduled) return;
  if (!sp.timed) {
    add(sp.name, "", fmt::format("stream {} is scheduled traffic but has no windows in the plan", sp.name));
    return;
  }

  const auto o = sp.talker_offset.count();
  const auto lto = s.latest_transmit_offset ? s.latest_transmit_offset->count() : P - 1;
  if (o < s.earliest_transmit_offset.count() || o > lto || o >= P || o < 0)
    add(sp.name, "",
        fmt::format("stream {}: talker offset {} outside [{}, {}]", sp.name, readable_duration(sp.talker_offset),
                    readable_duration(s.earliest_transmit_offset), readable_duration(Nanos{std::min(lto, P - 1)})));
  if (s.jitter.count() > 0 && s.jitter.count() < sync_)
    add(sp.name, "",
        fmt::format("stream {}: jitter {} is below the sync error budget {}", sp.name, readable_duration(s.jitter),
                    readable_duration(Nanos{sync_})));
  for (std::size_t h = 0; h < sp.hops.size(); ++h) {
    const auto& hop = sp.hops[h];
    const auto t = hop.offset.count();
    const auto& prof = *profile_of[h];
    // A ready frame may start up to the profile's timing error late and must still end inside.
    const auto late = prof.transmission_timing_error.count();
    if (hop.length.count() < n * wire[h] + late)
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: window at {} lasts {} but {} frames need {}{}", sp.name, hop.egress.str(),
                      readable_duration(hop.length), n, readable_duration(Nanos{n * wire[h] + late}),
                      late > 0 ? fmt::format(" (with the {} transmission timing error of profile {})",
                                             readable_duration(Nanos{late}), prof.name)
                               : std::string()));
    if (hop.upstream.empty() && t != o)
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: talker window at {} is not at the talker offset {}", sp.name,
                      readable_duration(hop.offset), readable_duration(sp.talker_offset)));
    for (int u : hop.upstream) {
      const auto& up = sp.hops[static_cast<std::size_t>(u)];
      const auto wu = wire[static_cast<std::size_t>(u)];
      const auto up_late = profile_of[static_cast<std::size_t>(u)]->transmission_timing_error.count();
      const auto ready = up.offset.count() + up_late + wu + std::max<std::int64_t>(0, (n - 1) * (wu - wire[h])) +
                         link_of[static_cast<std::size_t>(u)]->link->propagation.count() +
                         prof.processing_delay_max.count() + sync_;
      if (t < ready)
        add(sp.name, hop.egress.str(),
            fmt::format("stream {}: window at {} opens at {} but the frame from {} is only there at {} (timing error "
                        "{}, wire, propagation, processing {}, sync error {})",
                        sp.name, hop.egress.str(), readable_duration(hop.offset), up.egress.str(),
                        readable_duration(Nanos{ready}), readable_duration(Nanos{up_late}),
                        readable_duration(prof.processing_delay_max), readable_duration(Nanos{sync_})));
    }
    // The port must list this window.
    const auto* port = find_port(hop.egress);
    bool listed = false;
    if (const auto lw = listed_windows_.find(sp.name); port && lw != listed_windows_.end()) {
      const auto [from, to] = std::equal_range(lw->second.begin(), lw->second.end(), static_cast<int>(h),
                                               [](const auto& a, const auto& b) { return hop_of(a) < hop_of(b); });
      listed = std::any_of(from, to, [&](const ListedWindow& x) {
        const Window& w = *x.window;
        return x.port == port && w.hop == static_cast<int>(h) && w.start.count() == mod(t, P) &&
               w.length == hop.length && w.interval == sp.interval && w.traffic_class == hop.traffic_class;
      });
    }
    if (!listed)
      add(sp.name, hop.egress.str(),
          fmt::format("stream {}: port {} does not list its window at {}", sp.name, hop.egress.str(),
                      readable_duration(Nanos{mod(t, P)})));
    if (port && port->queues > 0) {
      // The frame waits in its own priority's queue, or, at a bridge, in the queue of the
      // internal priority value its stream gate gives it (one of defaults.pcp.scheduled-ipv).
      const int ipv = hop.internal_priority;
      const auto& allowed = plant_.defaults.scheduled_ipv;
      const bool at_bridge = [&] {
        const auto* node = plant_.find_node(hop.egress.node);
        return node && node->kind == model::NodeKind::bridge;
      }();
      if (ipv >= 0 && (!at_bridge || std::find(allowed.begin(), allowed.end(), ipv) == allowed.end())) {
        add(sp.name, hop.egress.str(),
            fmt::format("stream {}: internal priority {} at {} is not one defaults.pcp.scheduled-ipv gives a bridge",
                        sp.name, ipv, hop.egress.str()));
      } else {
        const int priority = ipv >= 0 ? ipv : std::clamp(sp.pcp, 0, 7);
        const auto tc = port->priority_to_tc[static_cast<std::size_t>(priority)];
        if (tc != hop.traffic_class)
          add(sp.name, hop.egress.str(),
              fmt::format("stream {}: {} {} maps to traffic class {} at {}, not {}", sp.name,
                          ipv >= 0 ? "internal priority" : "pcp", priority, tc, hop.egress.str(), hop.traffic_class));
      }
      // A bridge has one stream gate, hence one internal priority, per stream and ingress.
      for (std::size_t e = 0; e < h; ++e)
        if (sp.hops[e].egress.node == hop.egress.node && sp.hops[e].internal_priority != ipv) {
          add(sp.name, hop.egress.str(),
              fmt::format("stream {}: ports {} and {} of one bridge give it different internal priorities ({} and {})",
                          sp.name, sp.hops[e].egress.str(), hop.egress.str(), sp.hops[e].internal_priority, ipv));
          break;
        }
    }
  }
  const auto deadline = s.max_latency.count() > 0 ? s.max_latency.count() : P;
  for (const auto& l : s.listeners) {
    for (std::size_t h = 0; h < sp.hops.size(); ++h) {
      const auto& hop = sp.hops[h];
      if (hop.ingress.node != l) continue;
      const auto latency = hop.offset.count() + profile_of[h]->transmission_timing_error.count() + n * wire[h] +
                           link_of[h]->link->propagation.count() + sync_ - o;
      if (latency > deadline)
        add(sp.name, hop.egress.str(),
            fmt::format("stream {}: listener {} gets the last bit {} after transmission "
                        "start, over max-latency {}",
                        sp.name, l, readable_duration(Nanos{latency}), readable_duration(Nanos{deadline})));
    }
  }
  replay_stream(sp, s, wire);
}

// Frame instances over the hyperperiod against the gates actually configured: each frame may
// leave as soon as it is queued and its gate is open, which a merged gate makes earlier than
// its window; that earlier departure is carried downstream.
void Verifier::replay_stream(const StreamPlan& sp, const model::Stream& s, const std::vector<std::int64_t>& wire) {
  const auto P = sp.interval.count();
  std::int64_t span = P;
  // Per hop, what every frame instance needs: looked up once, not once per instance.
  struct HopFacts {
    const Gates* gates;
    std::int64_t propagation;
    std::int64_t processing_min;
    std::int64_t timing_error;
    bool into_listener;
  };
  std::vector<HopFacts> facts;
  facts.reserve(sp.hops.size());
  auto is_listener = [&](const std::string& node) {
    return std::find(s.listeners.begin(), s.listeners.end(), node) != s.listeners.end();
  };
  for (const auto& hop : sp.hops) {
    const auto g = gates_by_port_.find(hop.egress);
    if (g == gates_by_port_.end()) return;  // already reported: no usable list
    span = std::lcm(span, g->second->cycle);
    const auto& prof = index_.profile_of(hop.egress.node);
    facts.push_back({g->second, index_.links.at(hop.egress).link->propagation.count(),
                     prof.processing_delay_min.count(), prof.transmission_timing_error.count(),
                     hop.ingress.node != sp.talker && is_listener(hop.ingress.node)});
  }
  const auto instances = span / P;
  // Most a frame may leave a hop into a listener before its window (a merged gate), plus how
  // much later than the window start it may leave (the transmitting node's timing error).
  std::int64_t early_arrival = 0;
  std::int64_t arrival_spread = 0;
  // Per hop and position within that port's cycle: how long before its window a frame may be
  // queued and may leave, the largest over the instances; collected flat, merged below.
  struct Seen {
    std::size_t hop;
    std::int64_t pos;
    std::int64_t enqueue_lead;
    std::int64_t departure_lead;
  };
  std::vector<Seen> seen;
  seen.reserve(sp.hops.size() * static_cast<std::size_t>(std::min<std::int64_t>(instances, 64)));
  std::vector<std::int64_t> enq(sp.hops.size()), dep(sp.hops.size());
  for (std::int64_t k = 0; k < instances; ++k) {
    for (std::size_t h = 0; h < sp.hops.size(); ++h) {
      const auto& hop = sp.hops[h];
      const auto& gates = *facts[h].gates;
      const auto start = k * P + hop.offset.count();
      const auto len = hop.length.count();
      const std::uint32_t bit = 1u << hop.traffic_class;
      const auto prof_min = facts[h].processing_min;
      std::int64_t e = start;
      for (int u : hop.upstream) {
        const auto uu = static_cast<std::size_t>(u);
        e = std::min(e, dep[uu] + wire[uu] + facts[uu].propagation + prof_min - sync_);
      }
      if (hop.upstream.empty()) e = start;  // the talker hands its frames over at its offset
      const auto [states, open] = gates.states_over(start, len, bit);
      if (!open || (states & ~gates.port->scheduled_classes & ~bit) != 0) {
        if (!open)
          add(sp.name, hop.egress.str(),
              fmt::format("stream {}: its window at {} ({} + {}) is not inside an open gate "
                          "of traffic class {}",
                          sp.name, hop.egress.str(), readable_duration(Nanos{mod(start, gates.cycle)}),
                          readable_duration(Nanos{len}), hop.traffic_class));
        else
          add(sp.name, hop.egress.str(),
              fmt::format("stream {}: non-scheduled traffic classes are open during its window "
                          "at {} ({})",
                          sp.name, hop.egress.str(), readable_duration(Nanos{mod(start, gates.cycle)})));
        return;
      }
      const auto d = gates.earliest_departure(e, start, bit, wire[h]);
      enq[h] = e;
      dep[h] = d;
      seen.push_back({h, mod(start, gates.cycle), start - e, start - d});
      // A frame that may leave before its window reaches a listener early: arrival varies.
      if (facts[h].into_listener) {
        early_arrival = std::max(early_arrival, start - d);
        arrival_spread = std::max(arrival_spread, start - d + facts[h].timing_error);
      }
    }
  }
  const auto jitter = arrival_spread + sync_;
  if (s.jitter.count() > 0 && jitter > s.jitter.count())
    add(sp.name, "",
        fmt::format("stream {}: frames may leave their last hop up to {} before their windows, so arrivals "
                    "vary by up to {} (with the sync and transmission timing errors), over its jitter {}",
                    sp.name, readable_duration(Nanos{early_arrival}), readable_duration(Nanos{jitter}),
                    readable_duration(s.jitter)));
  if (sp.jitter.count() < jitter)
    add(sp.name, "",
        fmt::format("stream {}: the plan states a jitter of {} but arrivals vary by up to {}", sp.name,
                    readable_duration(sp.jitter), readable_duration(Nanos{jitter})));
  std::sort(seen.begin(), seen.end(),
            [](const Seen& a, const Seen& b) { return std::tie(a.hop, a.pos) < std::tie(b.hop, b.pos); });
  for (std::size_t i = 0; i < seen.size();) {
    Seen x = seen[i];
    for (++i; i < seen.size() && seen[i].hop == x.hop && seen[i].pos == x.pos; ++i) {
      x.enqueue_lead = std::max(x.enqueue_lead, seen[i].enqueue_lead);
      x.departure_lead = std::max(x.departure_lead, seen[i].departure_lead);
    }
    const auto& hop = sp.hops[x.hop];
    const auto& gates = *facts[x.hop].gates;
    const std::uint32_t bit = 1u << hop.traffic_class;
    const auto len = hop.length.count();
    // On the wire anywhere its gate is open between its earliest departure and its window end.
    gates.open_parts(x.pos - x.departure_lead, x.pos + len, bit, [&](std::int64_t at, std::int64_t part) {
      transmissions_[gates.ordinal].push_back({at, part, &sp.name});
    });
    occupancies_[gates.ordinal][hop.traffic_class].push_back({x.pos - x.enqueue_lead, x.enqueue_lead + len, &sp.name});
  }
}

Issues Verifier::run() {
  sync_ = plant_.defaults.sync_error_budget.count();
  if (plan_.format != kPlanFormat) add("", "", fmt::format("plan format {} is not {}", plan_.format, kPlanFormat));
  if (plan_.sync_error_budget.count() != sync_)
    add("", "",
        fmt::format("plan was built for a sync error budget of {}, the plant has {}",
                    readable_duration(plan_.sync_error_budget), readable_duration(Nanos{sync_})));
  if (plan_.frame_model != plant_.defaults.frame_model)
    add("", "",
        fmt::format("plan was built in the {} frame model, the plant has frame-model: {}",
                    model::to_string(plan_.frame_model), model::to_string(plant_.defaults.frame_model)));
  index_plan();
  check_port_lists();
  for (auto& [port, gates] : gates_) {
    gates.ordinal = transmissions_.size();
    transmissions_.emplace_back();
    occupancies_.emplace_back();
    gates_by_port_.emplace(port, &gates);
  }
  std::set<std::string> in_plan;
  for (const auto& sp : plan_.streams) {
    in_plan.insert(sp.name);
    check_stream(sp);
  }
  for (const auto& s : plant_.streams)
    if (!in_plan.count(s.name)) add(s.name, "", fmt::format("stream {} of the plant is missing from the plan", s.name));
  // Every window a port lists must belong to a timed stream's hop (checked above from the stream side).
  for (const auto& p : plan_.ports) {
    for (const auto& w : p.windows) {
      const auto found = stream_index_.find(w.stream);
      const StreamPlan* sp = found == stream_index_.end() ? nullptr : found->second;
      if (!sp || !sp->timed || w.hop < 0 || static_cast<std::size_t>(w.hop) >= sp->hops.size() ||
          sp->hops[static_cast<std::size_t>(w.hop)].egress != p.port)
        add(w.stream, p.port.str(),
            fmt::format("port {} lists a window of stream {} that the stream does not have", p.port.str(), w.stream));
    }
  }
  std::vector<const Gates*> by_ordinal;
  for (const auto& [port, gates] : gates_) by_ordinal.push_back(&gates);
  for (std::size_t i = 0; i < transmissions_.size(); ++i)
    check_disjoint(transmissions_[i], by_ordinal[i]->cycle, by_ordinal[i]->port->port.str(), "transmission", issues_);
  for (std::size_t i = 0; i < occupancies_.size(); ++i)
    for (auto& [traffic_class, spans] : occupancies_[i])
      check_disjoint(spans, by_ordinal[i]->cycle, by_ordinal[i]->port->port.str(),
                     fmt::format("traffic class {} queue occupancy", traffic_class).c_str(), issues_);
  return std::move(issues_);
}

}  // namespace

Issues verify_plan(const Plan& plan, const model::Plant& plant) { return Verifier(plan, plant).run(); }

}  // namespace takt::schedule
