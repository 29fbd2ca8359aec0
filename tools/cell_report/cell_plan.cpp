#include "tools/cell_report/cell_plan.hpp"

#include <algorithm>
#include <iterator>

#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/json_file.hpp"

namespace takt::cell_report {

CellPlan::CellPlan(std::vector<PlannedStream> streams, std::map<std::string, std::int64_t> stall_threshold_ns,
                   std::int64_t hyperperiod_ns)
    : streams_(std::move(streams)),
      stall_threshold_ns_(std::move(stall_threshold_ns)),
      hyperperiod_ns_(hyperperiod_ns) {}

const PlannedStream* CellPlan::find(const std::string& name) const {
  auto it = std::find_if(streams_.begin(), streams_.end(), [&](const PlannedStream& s) { return s.name == name; });
  return it == streams_.end() ? nullptr : &*it;
}

std::size_t CellPlan::order_of(const std::string& name) const {
  auto it = std::find_if(streams_.begin(), streams_.end(), [&](const PlannedStream& s) { return s.name == name; });
  return static_cast<std::size_t>(it - streams_.begin());
}

std::int64_t CellPlan::stall_threshold_ns(const std::string& node) const {
  auto it = stall_threshold_ns_.find(node);
  return it == stall_threshold_ns_.end() ? kDefaultStallThresholdNs : it->second;
}

CellPlan read_cell_plan(const std::filesystem::path& plan_json) {
  const auto doc = read_json_file(plan_json);
  if (!doc.contains("streams") || !doc.at("streams").is_array()) throw InputError(plan_json, "has no \"streams\" list");
  std::vector<PlannedStream> streams;
  // The largest timing error any hop of the node reserved: the node's own profile value.
  std::map<std::string, std::int64_t> timing_error;
  for (const auto& s : doc.at("streams")) {
    PlannedStream p;
    p.name = required<std::string>(s, "name", plan_json);
    p.traffic_class = required<std::string>(s, "traffic-class", plan_json);
    p.talker = required<std::string>(s, "talker", plan_json);
    if (s.contains("listeners")) p.listeners = s.at("listeners").get<std::vector<std::string>>();
    if (s.contains("max-latency-ns") && !s.at("max-latency-ns").is_null())
      p.max_latency_ns = s.at("max-latency-ns").get<std::int64_t>();
    std::vector<std::string> egress_of_hop;
    for (const auto& hop : s.value("hops", nlohmann::json::array())) {
      const auto node = required<std::string>(hop.at("egress"), "node", plan_json);
      egress_of_hop.push_back(node);
      p.path_nodes.push_back(node);
      const auto e = hop.value("transmission-timing-error-ns", std::int64_t{0});
      timing_error[node] = std::max(timing_error[node], e);
    }
    std::sort(p.path_nodes.begin(), p.path_nodes.end());
    p.path_nodes.erase(std::unique(p.path_nodes.begin(), p.path_nodes.end()), p.path_nodes.end());
    p.every_tree_nodes = p.path_nodes;
    const auto trees = s.value("trees", nlohmann::json::array());
    p.redundant = trees.is_array() && trees.size() >= 2;
    if (p.redundant) {
      for (const auto& tree : trees) {
        std::vector<std::string> nodes;
        for (const auto& h : tree) {
          const auto i = h.get<std::size_t>();
          if (i >= egress_of_hop.size())
            throw InputError(
                plan_json, "stream " + p.name + ": a tree names hop " + std::to_string(i) + ", which it does not have");
          nodes.push_back(egress_of_hop[i]);
        }
        std::sort(nodes.begin(), nodes.end());
        std::vector<std::string> shared;
        std::set_intersection(p.every_tree_nodes.begin(), p.every_tree_nodes.end(), nodes.begin(), nodes.end(),
                              std::back_inserter(shared));
        p.every_tree_nodes = std::move(shared);
      }
    }
    streams.push_back(std::move(p));
  }
  std::map<std::string, std::int64_t> threshold;
  for (const auto& [node, e] : timing_error) threshold[node] = e > 0 ? e : kDefaultStallThresholdNs;
  return CellPlan(std::move(streams), std::move(threshold), doc.value("hyperperiod-ns", std::int64_t{0}));
}

}  // namespace takt::cell_report
