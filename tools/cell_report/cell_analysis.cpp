#include "tools/cell_report/cell_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "tools/cell_report/late_frame_accounting.hpp"

namespace takt::cell_report {

namespace {

// A Prometheus value as a number; NaN (no samples) is none, +Inf (beyond the top bucket) the
// largest double, as jq wrote it before.
std::optional<double> prom_number(const PromSample& s) {
  const double v = s.number();
  if (std::isnan(v)) return std::nullopt;
  if (std::isinf(v)) return v > 0 ? std::numeric_limits<double>::max() : std::numeric_limits<double>::lowest();
  return v;
}

std::optional<double> prom_value_of_stream(const std::vector<PromSample>& samples, const std::string& stream) {
  for (const auto& s : samples)
    if (s.label("stream") == stream) return prom_number(s);
  return std::nullopt;
}

// The stream filters' discards and the FRER counters of the run, as Prometheus had them.
struct Protection {
  bool answered = false;  // Prometheus answered the stream filter query
  std::vector<FilterDiscards> discards;
  std::optional<std::int64_t> scrape_gap;
  std::map<std::string, FrerCounts> frer;
};

Protection protection_of(const RunInputs& in) {
  Protection p;
  p.answered = in.prometheus.answered(CellQueries::kPsfp);
  const auto& psfp = in.prometheus.result(CellQueries::kPsfp);
  p.discards = filter_discards(psfp);
  p.scrape_gap = scrape_gap_ns(psfp);
  p.frer = frer_counts(in.prometheus.result(CellQueries::kFrer));
  return p;
}

StreamResult stream_result(const RunInputs& in, const ListenedStream& l, const Protection& protection,
                           const StationCounts& station) {
  const auto* planned = in.plan.find(l.stream);
  StreamResult r;
  r.stream = l.stream;
  r.listener = l.listener;
  if (planned) {
    r.traffic_class = planned->traffic_class;
    r.talker = planned->talker;
  }
  r.sent = in.probes.sent(l.stream);
  r.received = l.received;
  r.lost = l.lost;
  r.p50_ns = l.p50_ns;
  r.p99_ns = l.p99_ns;
  r.max_ns = l.max_ns;
  r.max_latency_ns = l.max_latency_ns;
  r.late = l.deadline_misses;
  r.late_frames_not_kept = l.late_frames_not_kept;
  r.on_time_ratio = l.on_time_ratio;

  // A redundant stream is late only when every tree's copy is: the nodes all its trees share.
  // While an injected fault cuts a tree, it rides the others alone: any node of its trees.
  const auto no_nodes = std::vector<std::string>{};
  const LateFrameAccounting accounting(in.stalls, planned ? planned->every_tree_nodes : no_nodes,
                                       l.max_latency_ns.value_or(0));
  const LateFrameAccounting any_tree(in.stalls, planned ? planned->path_nodes : no_nodes, l.max_latency_ns.value_or(0));
  const auto in_fault = [&](const LateFrame& f) {
    return std::any_of(in.faults.begin(), in.faults.end(), [&](const InjectedFault& x) {
      return x.start_ns <= f.transmitted_ns && f.transmitted_ns <= x.end_ns;
    });
  };
  r.late_in_host_stalls =
      static_cast<std::uint64_t>(std::count_if(l.late_frames.begin(), l.late_frames.end(), [&](const LateFrame& f) {
        return accounting.explains(f) || (in_fault(f) && any_tree.explains(f));
      }));
  const auto late = l.deadline_misses.value_or(0);
  r.late_unexplained = late > r.late_in_host_stalls ? late - r.late_in_host_stalls : 0;
  r.stall_chance = accounting.stall_chance(in.probes.window);

  r.duplicated = l.duplicated;
  if (planned) {
    r.redundant = planned->redundant;
    if (protection.answered)
      r.psfp =
          stream_psfp(protection.discards, in.stalls, in.faults, *planned, in.probes.window, protection.scrape_gap);
    if (auto it = protection.frer.find(l.stream); it != protection.frer.end()) r.frer = it->second;
  }
  if (r.psfp) r.lost_in_host_stalls = std::min(r.lost, r.psfp->in_host_stalls);
  if (const auto* t = station.talk(r.talker, l.stream)) r.station_talker = *t;
  if (const auto* h = station.listen(l.listener, l.stream)) r.station_listener = *h;
  r.verdict = stream_verdict(l, r.late_in_host_stalls, r.lost_in_host_stalls);

  r.prometheus_p99_s = prom_value_of_stream(in.prometheus.result(CellQueries::kP99), l.stream);
  const auto& on_time = in.prometheus.result(CellQueries::on_time_name(l.stream));
  if (!on_time.empty()) r.prometheus_on_time_ratio = prom_number(on_time.front());
  return r;
}

std::vector<NodeStalls> node_stalls(const RunInputs& in) {
  std::vector<NodeStalls> out;
  const auto& w = in.probes.window;
  for (const auto& [node, stalls] : in.stalls.all()) {
    NodeStalls n{node, in.plan.stall_threshold_ns(node), 0, 0};
    for (const auto& s : stalls) {
      // Only stalls while the talkers sent: the start-up's are no frame's business.
      if (s.end_ns < w.first_ns.value_or(0) || s.start_ns > w.until_ns.value_or(0)) continue;
      ++n.count;
      n.longest_excess_ns = std::max(n.longest_excess_ns, s.excess_ns);
    }
    if (n.count > 0) out.push_back(n);
  }
  return out;
}

PrometheusView prometheus_view(const RunInputs& in) {
  PrometheusView v;
  for (const auto& s : in.prometheus.result(CellQueries::kUp))
    if (s.value == "1") ++v.targets_up[s.label("job")];

  auto p99 = in.prometheus.result(CellQueries::kP99);
  std::stable_sort(p99.begin(), p99.end(), [&](const PromSample& a, const PromSample& b) {
    return in.plan.order_of(a.label("stream")) < in.plan.order_of(b.label("stream"));
  });
  for (const auto& s : p99) v.p99_s.push_back({s.label("stream"), s.value});

  for (const auto& planned : in.plan.streams()) {
    if (!planned.max_latency_ns) continue;
    const auto& answer = in.prometheus.result(CellQueries::on_time_name(planned.name));
    v.on_time.push_back({planned.name, CellQueries::le_of(*planned.max_latency_ns),
                         answer.empty() ? std::nullopt : prom_number(answer.front())});
  }

  auto stalls = in.prometheus.result(CellQueries::kStalls);
  std::stable_sort(stalls.begin(), stalls.end(),
                   [](const PromSample& a, const PromSample& b) { return a.label("bridge") < b.label("bridge"); });
  for (const auto& s : stalls) v.stalls.push_back({s.label("bridge"), s.value});

  // Bounded and best-effort frames queue past a gate's close by design: only scheduled ones
  // name the hop where a late frame lost its window.
  for (const auto& s : in.prometheus.result(CellQueries::kOverruns)) {
    const auto* planned = in.plan.find(s.label("stream"));
    if (planned && planned->traffic_class == "scheduled")
      v.overruns[s.label("bridge")].push_back({s.label("stream"), s.value});
  }
  return v;
}

ControllerView controller_view(const RunInputs& in) {
  ControllerView c;
  for (const auto& s : in.prometheus.result(CellQueries::kController)) {
    const auto name = s.label("__name__");
    const auto result = s.label("result");
    if (name == "takt_controller_converged") c.converged = s.value;
    if (name == "takt_controller_installs_total" && result == "installed") c.installs_done = s.value;
    if (name == "takt_controller_installs_total" && result == "failed") c.installs_failed = s.value;
    if (name == "takt_controller_repairs_total") c.repairs = s.value;
    if (name == "takt_controller_sync_loss_total") c.sync_losses = s.value;
  }
  return c;
}

}  // namespace

CellResult analyse(const RunInputs& in, const AcceptanceRules& rules) {
  CellResult out;
  out.window = in.probes.window;
  const auto protection = protection_of(in);
  const auto station = station_counts(in.prometheus.result(CellQueries::kStation));
  for (const auto& l : in.probes.listened) out.streams.push_back(stream_result(in, l, protection, station));
  // The plan's stream order, listeners by name within a stream.
  std::stable_sort(out.streams.begin(), out.streams.end(), [&](const StreamResult& a, const StreamResult& b) {
    const auto oa = in.plan.order_of(a.stream), ob = in.plan.order_of(b.stream);
    return oa != ob ? oa < ob : a.listener < b.listener;
  });
  out.pass = true;
  for (auto& s : out.streams) {
    s.failures = stream_failures(s, rules);
    if (!s.failures.empty()) out.pass = false;
    if (s.redundant && s.lost != 0) out.protected_lost_nothing = false;
  }
  if (protection.answered) out.wildcard_discards = wildcard_discards(protection.discards);
  out.faults = in.faults;
  out.station_nodes = station.stations;
  out.nodes = node_stalls(in);
  out.bridges_at_end = in.bridges_at_end;
  out.install = in.install;
  out.hyperperiod_ns = in.plan.hyperperiod_ns();
  out.controller = controller_view(in);
  out.prometheus = prometheus_view(in);
  return out;
}

}  // namespace takt::cell_report
