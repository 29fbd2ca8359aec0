#include "control/analysis/latency_bounds.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "control/analysis/gate_service.hpp"
#include "dataplane/core/wire.hpp"
#include "dataplane/core/r_tag.hpp"

namespace takt::analysis {
namespace {

using model::TrafficClassKind;
using PortClass = std::pair<model::PortRef, int>;

// Fixed-point passes before the bounds are declared unstable; each pass propagates bursts one
// more hop around a cycle of dependencies, and any real plant settles in a few.
constexpr int kMaxPasses = 200;
// A bound beyond this is not a bound anyone can use: stop iterating and report instability.
constexpr std::int64_t kDivergedNs = 60LL * kNsPerSecond;

std::string rate_text(std::int64_t bps) {
  if (bps >= 1'000'000'000) return fmt::format("{:.3g} Gb/s", static_cast<double>(bps) / 1e9);
  if (bps >= 1'000'000) return fmt::format("{:.3g} Mb/s", static_cast<double>(bps) / 1e6);
  return fmt::format("{:.3g} kb/s", static_cast<double>(bps) / 1e3);
}

// One hop of one analysed stream, with what does not change between passes.
struct HopFacts {
  int pc = -1;  // index of its (port, class)
  std::vector<int> upstream;
  Nanos fixed{0};         // timing error + cable + processing at a receiving bridge
  Nanos fixed_spread{0};  // timing error + processing max - min: what widens the burst
};

struct StreamFacts {
  const schedule::StreamPlan* plan = nullptr;
  const model::Stream* stream = nullptr;
  TokenBucket tspec;
  std::int64_t frame_bits = 0;
  std::vector<HopFacts> hops;
};

struct PortClassFacts {
  model::PortRef port;
  int traffic_class = 0;
  std::int64_t link_rate_bps = 0;
  std::int64_t lower_frame_bits = 0;  // one maximum frame of a lower class (0 for class 0)
  std::int64_t guard_ns = 0;          // the class's largest frame on this wire
  const schedule::PortPlan* plan = nullptr;
  std::vector<std::pair<int, int>> members;  // (stream, hop)
  bool has_bounded = false;
  GateService gate;
};

class Analysis {
 public:
  Analysis(const schedule::Plan& plan, const model::Plant& plant) : plan_(plan), plant_(plant) {}

  AnalysisResult run() {
    collect();
    for (auto& pc : pcs_) pc.gate = gate_service(pc.plan, pc.traffic_class, pc.link_rate_bps, Nanos{pc.guard_ns});
    iterate();
    report();
    return std::move(result_);
  }

 private:
  int port_class(const model::PortRef& port, int tc) {
    auto [it, fresh] = pc_index_.try_emplace({port, tc}, static_cast<int>(pcs_.size()));
    if (fresh) {
      PortClassFacts f;
      f.port = port;
      f.traffic_class = tc;
      const model::Link* link = plant_.link_at(port);
      f.link_rate_bps = link ? link->rate_bps : plant_.defaults.link_rate_bps;
      f.plan = plan_.find_port(port);
      if (f.plan && f.plan->rate_bps > 0) f.link_rate_bps = f.plan->rate_bps;
      const model::Node* node = plant_.find_node(port.node);
      const std::int64_t max_payload = node ? plant_.profile_of(*node).max_frame_size : kMaxStandardPayload;
      f.lower_frame_bits = tc > 0 ? model::frame_wire_bytes(plant_.defaults.frame_model, max_payload, true) * 8 : 0;
      pcs_.push_back(std::move(f));
    }
    return it->second;
  }

  void collect() {
    for (const auto& sp : plan_.streams) {
      if (sp.traffic_class == TrafficClassKind::scheduled || sp.hops.empty()) continue;
      StreamFacts s;
      s.plan = &sp;
      s.stream = plant_.find_stream(sp.name);
      const bool tagged = sp.vlan != 0;
      // A redundant stream's frames carry an 802.1CB R-TAG inside the trees.
      const std::int64_t payload = (sp.frame_payload > 0 ? sp.frame_payload : sp.max_frame_size) +
                                   (sp.trees.size() > 1 ? static_cast<std::int64_t>(kRTagBytes) : std::int64_t{0});
      s.frame_bits = model::frame_wire_bytes(plant_.defaults.frame_model, payload, tagged) * 8;
      const std::int64_t bits_per_interval = s.frame_bits * std::max(1, sp.frames_per_interval);
      s.tspec = {bits_per_interval,
                 mul_div_ceil(bits_per_interval, kNsPerSecond, std::max<std::int64_t>(1, sp.interval.count()))};
      const int index = static_cast<int>(streams_.size());
      for (std::size_t h = 0; h < sp.hops.size(); ++h) {
        const schedule::Hop& hop = sp.hops[h];
        HopFacts f;
        f.pc = port_class(hop.egress, hop.traffic_class);
        f.upstream = hop.upstream;
        const model::Node* tx = plant_.find_node(hop.egress.node);
        const model::Node* rx = plant_.find_node(hop.ingress.node);
        const model::Link* link = plant_.link_at(hop.egress);
        const Nanos tte = tx ? plant_.profile_of(*tx).transmission_timing_error : Nanos{0};
        f.fixed = tte + (link ? link->propagation : Nanos{0});
        f.fixed_spread = tte;
        if (rx && rx->kind == model::NodeKind::bridge) {
          const auto& p = plant_.profile_of(*rx);
          f.fixed += p.processing_delay_max;
          f.fixed_spread += p.processing_delay_max - p.processing_delay_min;
        }
        auto& pc = pcs_[static_cast<std::size_t>(f.pc)];
        pc.members.emplace_back(index, static_cast<int>(h));
        pc.guard_ns = std::max(pc.guard_ns, transmission_time(s.frame_bits / 8, pc.link_rate_bps).count());
        if (sp.traffic_class == TrafficClassKind::bounded) pc.has_bounded = true;
        s.hops.push_back(std::move(f));
      }
      streams_.push_back(std::move(s));
    }
    // The classes of each port, for strict priority among them.
    std::map<model::PortRef, std::vector<int>> by_port;
    for (std::size_t i = 0; i < pcs_.size(); ++i) by_port[pcs_[i].port].push_back(static_cast<int>(i));
    same_port_.resize(pcs_.size());
    for (std::size_t i = 0; i < pcs_.size(); ++i) same_port_[i] = by_port[pcs_[i].port];
    delay_.assign(pcs_.size(), Nanos{0});
    overloaded_.assign(pcs_.size(), false);
    available_.assign(pcs_.size(), 0);
    needed_.assign(pcs_.size(), 0);
  }

  // The spread of arrival times at each hop's port: what every hop before it may add.
  std::vector<Nanos> spreads(const StreamFacts& s) const {
    std::vector<Nanos> in(s.hops.size(), Nanos{0});
    for (std::size_t h = 0; h < s.hops.size(); ++h)
      for (int u : s.hops[h].upstream) {
        const auto& up = s.hops[static_cast<std::size_t>(u)];
        in[h] = std::max(in[h],
                         in[static_cast<std::size_t>(u)] + delay_[static_cast<std::size_t>(up.pc)] + up.fixed_spread);
      }
    return in;
  }

  void iterate() {
    for (int pass = 1; pass <= kMaxPasses; ++pass) {
      result_.iterations = pass;
      std::vector<TokenBucket> arrivals(pcs_.size());
      for (const auto& s : streams_) {
        const auto in = spreads(s);
        for (std::size_t h = 0; h < s.hops.size(); ++h)
          arrivals[static_cast<std::size_t>(s.hops[h].pc)] += s.tspec.delayed_by(in[h]);
      }
      bool changed = false;
      for (std::size_t i = 0; i < pcs_.size(); ++i) {
        const auto& pc = pcs_[i];
        TokenBucket higher;
        for (int j : same_port_[i])
          if (pcs_[static_cast<std::size_t>(j)].traffic_class > pc.traffic_class)
            higher += arrivals[static_cast<std::size_t>(j)];
        const RateLatency service = leftover(pc.gate.curve, higher, pc.lower_frame_bits);
        available_[i] = service.rate_bps;
        needed_[i] = arrivals[i].rate_bps;
        if (service.rate_bps <= 0 || arrivals[i].rate_bps > service.rate_bps) {
          overloaded_[i] = true;
          continue;
        }
        const Nanos d = delay_bound(arrivals[i], service);
        if (d != delay_[i]) changed = true;
        delay_[i] = d;
        if (d.count() > kDivergedNs) diverged_ = true;
      }
      if (!changed || diverged_) return;
    }
    diverged_ = true;
  }

  ListenerBound listener_path(const StreamFacts& s, int last_hop, int tree) const {
    ListenerBound lb;
    lb.listener = s.plan->hops[static_cast<std::size_t>(last_hop)].ingress.node;
    lb.tree = tree;
    std::vector<int> chain;
    const std::vector<int>* members = (tree >= 0 && static_cast<std::size_t>(tree) < s.plan->trees.size())
                                          ? &s.plan->trees[static_cast<std::size_t>(tree)]
                                          : nullptr;
    for (int h = last_hop; h >= 0;) {
      chain.push_back(h);
      int next = -1;
      for (int u : s.hops[static_cast<std::size_t>(h)].upstream)
        if (!members || std::find(members->begin(), members->end(), u) != members->end()) {
          next = u;
          break;
        }
      h = next;
    }
    std::reverse(chain.begin(), chain.end());
    for (int h : chain) {
      const auto& f = s.hops[static_cast<std::size_t>(h)];
      const auto& pc = pcs_[static_cast<std::size_t>(f.pc)];
      HopBound hb{pc.port, pc.traffic_class, delay_[static_cast<std::size_t>(f.pc)], f.fixed};
      lb.bound += hb.total();
      lb.hops.push_back(hb);
    }
    return lb;
  }

  void report() {
    std::set<int> unusable_pc;
    for (std::size_t i = 0; i < pcs_.size(); ++i) {
      const auto& pc = pcs_[i];
      PortClassLoad load;
      load.port = pc.port;
      load.traffic_class = pc.traffic_class;
      load.link_rate_bps = pc.link_rate_bps;
      load.needed_bps = needed_[i];
      load.available_bps = available_[i];
      load.gate_latency = pc.gate.curve.latency;
      load.delay = delay_[i];
      load.gated_share = pc.gate.cycle.count() > 0 ? 1.0 - static_cast<double>(pc.gate.open_per_cycle.count()) /
                                                               static_cast<double>(pc.gate.cycle.count())
                                                   : 0.0;
      std::set<std::string> names;
      for (const auto& [s, h] : pc.members) names.insert(streams_[static_cast<std::size_t>(s)].plan->name);
      load.streams.assign(names.begin(), names.end());
      if (overloaded_[i]) {
        unusable_pc.insert(static_cast<int>(i));
        std::string list;
        for (std::size_t k = 0; k < load.streams.size() && k < 6; ++k) list += (k ? ", " : "") + load.streams[k];
        if (load.streams.size() > 6) list += fmt::format(" and {} more", load.streams.size() - 6);
        const std::string message = fmt::format(
            "port {}, traffic class {}: its streams need {} on average ({}), the gates and the classes above leave "
            "{} of the {} link (scheduled windows and guard bands close it {:.0f} % of the time); no latency bound "
            "exists: move streams to other paths, lower their rates, or free gate time",
            pc.port.str(), pc.traffic_class, rate_text(needed_[i]), list,
            rate_text(std::max<std::int64_t>(0, available_[i])), rate_text(pc.link_rate_bps), 100.0 * load.gated_share);
        const std::string first = load.streams.empty() ? "" : load.streams.front();
        (pc.has_bounded ? result_.issues : result_.warnings).push_back({first, pc.port.str(), message});
      }
      result_.ports.push_back(std::move(load));
    }
    std::sort(result_.ports.begin(), result_.ports.end(), [](const PortClassLoad& a, const PortClassLoad& b) {
      return std::tie(a.port, a.traffic_class) < std::tie(b.port, b.traffic_class);
    });
    if (diverged_)
      result_.issues.push_back(
          {"", "",
           fmt::format("the latency bounds of bounded and best-effort streams do not settle after {} passes: "
                       "their paths depend on each other in a cycle that amplifies bursts; reduce the load "
                       "on the ring or break the cycle",
                       result_.iterations)});

    close_unusable(unusable_pc);
    for (const auto& s : streams_) {
      StreamBound sb;
      sb.stream = s.plan->name;
      sb.kind = s.plan->traffic_class;
      sb.max_latency = s.plan->max_latency;
      sb.tspec = s.tspec;
      bool unusable = diverged_;
      for (const auto& h : s.hops) unusable = unusable || unusable_pc.count(h.pc);
      if (unusable) {  // no bound exists: none is reported (the issue or warning says why)
        result_.streams.push_back(std::move(sb));
        continue;
      }
      const int trees = std::max<int>(1, static_cast<int>(s.plan->trees.size()));
      for (const auto& listener : s.plan->listeners)
        for (int t = 0; t < trees; ++t)
          for (std::size_t h = 0; h < s.hops.size(); ++h) {
            const auto& hop = s.plan->hops[h];
            const bool in_tree = s.plan->trees.empty() ||
                                 std::find(s.plan->trees[static_cast<std::size_t>(t)].begin(),
                                           s.plan->trees[static_cast<std::size_t>(t)].end(),
                                           static_cast<int>(h)) != s.plan->trees[static_cast<std::size_t>(t)].end();
            if (hop.ingress.node != listener || !in_tree) continue;
            sb.listeners.push_back(listener_path(s, static_cast<int>(h), s.plan->trees.empty() ? -1 : t));
            sb.listeners.back().tree = s.plan->trees.empty() ? 0 : t;
          }
      admit(sb);
      result_.streams.push_back(std::move(sb));
    }
  }

  // An overloaded (port, class) has no delay bound, so neither has anything whose arrivals pass
  // through it: the ports downstream on those streams' paths, and the classes below any such
  // port's class (their higher-priority bursts are unknown). Closed to a fixed point.
  void close_unusable(std::set<int>& unusable) const {
    for (bool grew = !unusable.empty(); grew;) {
      grew = false;
      for (const auto& s : streams_)
        for (std::size_t h = 0; h < s.hops.size(); ++h) {
          if (unusable.count(s.hops[h].pc)) continue;
          for (int u : s.hops[h].upstream)
            if (unusable.count(s.hops[static_cast<std::size_t>(u)].pc)) {
              unusable.insert(s.hops[h].pc);
              grew = true;
              break;
            }
        }
      for (std::size_t i = 0; i < pcs_.size(); ++i) {
        if (unusable.count(static_cast<int>(i))) continue;
        for (int j : same_port_[i])
          if (unusable.count(j) && pcs_[static_cast<std::size_t>(j)].traffic_class > pcs_[i].traffic_class) {
            unusable.insert(static_cast<int>(i));
            grew = true;
            break;
          }
      }
    }
  }

  void admit(const StreamBound& sb) {
    if (sb.max_latency.count() <= 0) return;
    for (const auto& lb : sb.listeners) {
      if (lb.bound <= sb.max_latency) continue;
      const HopBound* d = lb.dominant();
      std::string where;
      if (d) {
        const auto& load = *std::find_if(result_.ports.begin(), result_.ports.end(), [&](const PortClassLoad& p) {
          return p.port == d->egress && p.traffic_class == d->traffic_class;
        });
        where = fmt::format("; {:.0f} % of it at {} (traffic class {}, {} of it queued and sent there",
                            100.0 * static_cast<double>(d->total().count()) / static_cast<double>(lb.bound.count()),
                            d->egress.str(), d->traffic_class, readable_duration(d->queueing));
        where += load.gated_share > 0
                     ? fmt::format(", where scheduled windows and guard bands leave {:.0f} % of the time)",
                                   100.0 * (1.0 - load.gated_share))
                     : ")";
      }
      const std::string message = fmt::format(
          "{}: latency bound {} to {} > max-latency {} by {}{}; raise max-latency, shorten the path or "
          "lower the load there",
          sb.stream, readable_duration(lb.bound), lb.listener, readable_duration(sb.max_latency),
          readable_duration(lb.bound - sb.max_latency), where);
      (sb.kind == TrafficClassKind::bounded ? result_.issues : result_.warnings)
          .push_back({sb.stream, d ? d->egress.str() : "", message});
    }
  }

  const schedule::Plan& plan_;
  const model::Plant& plant_;
  std::vector<StreamFacts> streams_;
  std::vector<PortClassFacts> pcs_;
  std::map<PortClass, int> pc_index_;
  std::vector<std::vector<int>> same_port_;
  std::vector<Nanos> delay_;
  std::vector<bool> overloaded_;
  std::vector<std::int64_t> available_, needed_;
  bool diverged_ = false;
  AnalysisResult result_;
};

}  // namespace

const HopBound* ListenerBound::dominant() const {
  const HopBound* best = nullptr;
  for (const auto& h : hops)
    if (!best || h.total() > best->total()) best = &h;
  return best;
}

Nanos StreamBound::worst() const {
  Nanos w{0};
  for (const auto& l : listeners) w = std::max(w, l.bound);
  return w;
}

AnalysisResult analyse_latency(const schedule::Plan& plan, const model::Plant& plant) {
  return Analysis(plan, plant).run();
}

}  // namespace takt::analysis
