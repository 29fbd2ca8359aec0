#pragma once
// What the report needs of a plan (taktctl plan's plan.json): the streams in the plan's order,
// the nodes a frame of each stream depends on, and each node's stall threshold.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace takt::cell_report {

struct PlannedStream {
  std::string name;
  std::string traffic_class;  // "scheduled", "bounded" or "best-effort"
  std::string talker;
  std::vector<std::string> listeners;
  std::optional<std::int64_t> max_latency_ns;
  // Every node that transmits a frame of the stream (its talker and the bridges on its path),
  // sorted, each once: a stall of any of them can hold a frame past its window.
  std::vector<std::string> path_nodes;
  // Two or more trees (num-seamless-trees): 802.1CB numbers it where the trees split and
  // recovers it where they meet.
  bool redundant = false;
  // The nodes that transmit it on every one of its trees, sorted (path_nodes for a stream with
  // one tree). The listener takes a redundant stream's first copy, so a stall of a node only one
  // tree has delays only that tree's copy: with every tree up, only these can make it late.
  std::vector<std::string> every_tree_nodes;
};

// A node not running for longer than the transmission timing error its profile reserved in
// every window is outside what the plan holds. A node without one (a best-effort talker) is
// judged against 200 us, the dataplane's default stall threshold.
inline constexpr std::int64_t kDefaultStallThresholdNs = 200'000;

class CellPlan {
 public:
  CellPlan(std::vector<PlannedStream> streams, std::map<std::string, std::int64_t> stall_threshold_ns,
           std::int64_t hyperperiod_ns);

  const std::vector<PlannedStream>& streams() const { return streams_; }
  const PlannedStream* find(const std::string& name) const;
  // Position in the plan: the report lists streams in this order.
  std::size_t order_of(const std::string& name) const;
  std::int64_t stall_threshold_ns(const std::string& node) const;
  const std::map<std::string, std::int64_t>& stall_thresholds() const { return stall_threshold_ns_; }
  std::int64_t hyperperiod_ns() const { return hyperperiod_ns_; }

 private:
  std::vector<PlannedStream> streams_;
  std::map<std::string, std::int64_t> stall_threshold_ns_;
  std::int64_t hyperperiod_ns_;
};

CellPlan read_cell_plan(const std::filesystem::path& plan_json);

}  // namespace takt::cell_report
