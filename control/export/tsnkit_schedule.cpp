// Plan -> TSNKit's schedule files (see tsnkit_schedule.hpp).
#include "control/export/tsnkit_schedule.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "control/export/csv.hpp"

namespace takt::exporter {
namespace {

class LinkNames {
 public:
  explicit LinkNames(const TsnkitNumbering& n) : numbering_(n) {}
  // TSNKit's str() of a link tuple, as its simulator eval()s it.
  std::string operator()(const std::string& from, const std::string& to) const {
    return csv_field(fmt::format("({}, {})", numbering_.node.at(from), numbering_.node.at(to)));
  }

 private:
  const TsnkitNumbering& numbering_;
};

// The hops that carry the stream to `listeners` on its first tree, upstream first.
std::vector<int> hops_to(const schedule::StreamPlan& sp, const std::vector<std::string>& listeners) {
  std::vector<bool> on_tree(sp.hops.size(), sp.trees.empty());
  if (!sp.trees.empty())
    for (int h : sp.trees.front()) on_tree[static_cast<std::size_t>(h)] = true;
  std::vector<bool> wanted(sp.hops.size(), false);
  // Upstream hops always come before downstream ones, so one backward sweep marks whole paths.
  for (std::size_t h = sp.hops.size(); h-- > 0;) {
    if (!on_tree[h]) continue;
    const auto& hop = sp.hops[h];
    if (std::find(listeners.begin(), listeners.end(), hop.ingress.node) != listeners.end()) wanted[h] = true;
    if (wanted[h])
      for (int u : hop.upstream)
        if (on_tree[static_cast<std::size_t>(u)]) wanted[static_cast<std::size_t>(u)] = true;
  }
  std::vector<int> out;
  for (std::size_t h = 0; h < sp.hops.size(); ++h)
    if (wanted[h]) out.push_back(static_cast<int>(h));
  return out;
}

Nanos worst_case_to(const schedule::StreamPlan& sp, const std::vector<std::string>& listeners) {
  Nanos worst{0};
  bool any = false;
  for (const auto& t : sp.listener_timing)
    if (std::find(listeners.begin(), listeners.end(), t.listener) != listeners.end()) {
      worst = std::max(worst, t.worst_case_latency);
      any = true;
    }
  return any ? worst : sp.worst_case_latency;
}

}  // namespace

TsnkitSchedule to_tsnkit_schedule(const schedule::Plan& plan, const model::Plant& plant,
                                  const TsnkitNumbering& numbering) {
  const LinkNames link(numbering);
  TsnkitSchedule out;

  // Every window of every port, each instance of its cycle, sorted as TSNKit writes them (by
  // link and queue) and then by time.
  std::set<std::tuple<std::string, int, std::int64_t, std::int64_t, std::int64_t>> gcl;
  for (const auto& port : plan.ports) {
    const auto peer = plant.peer_of(port.port);
    if (!peer) continue;
    const std::string name = link(port.port.node, peer->node);
    const std::int64_t cycle = port.cycle_time.count();
    for (const auto& w : port.windows) {
      const std::int64_t every = std::max<std::int64_t>(1, w.interval.count());
      for (std::int64_t start = w.start.count(); start < cycle; start += every)
        gcl.emplace(name, w.traffic_class, start, start + w.length.count(), cycle);
    }
  }
  out.gcl_csv = "link,queue,start,end,cycle\n";
  for (const auto& [l, q, start, end, cycle] : gcl)
    out.gcl_csv += fmt::format("{},{},{},{},{}\n", l, q, start, end, cycle);

  out.offset_csv = "stream,frame,offset\n";
  out.route_csv = "stream,link\n";
  out.queue_csv = "stream,frame,link,queue\n";
  out.delay_csv = "stream,frame,delay\n";
  for (std::size_t row = 0; row < numbering.rows.size(); ++row) {
    const auto& r = numbering.rows[row];
    const schedule::StreamPlan* sp = plan.find_stream(r.stream);
    if (!sp || !sp->timed) continue;  // a plan carries every stream of its plant; kept for safety
    out.offset_csv += fmt::format("{},0,{}\n", row, sp->talker_offset.count());
    for (int h : hops_to(*sp, r.listeners)) {
      const auto& hop = sp->hops[static_cast<std::size_t>(h)];
      const std::string l = link(hop.egress.node, hop.ingress.node);
      out.route_csv += fmt::format("{},{}\n", row, l);
      out.queue_csv += fmt::format("{},0,{},{}\n", row, l, hop.traffic_class);
    }
    out.delay_csv += fmt::format("{},0,{}\n", row, worst_case_to(*sp, r.listeners).count());
  }
  return out;
}

}  // namespace takt::exporter
