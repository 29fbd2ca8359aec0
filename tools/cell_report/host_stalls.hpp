#pragma once
// Host stalls: times a node did not run for longer than its stall threshold (the hypervisor
// took the vCPU, a timer fired late). Bridges log them (takt-dataplane --stall-log, one JSON
// line each), talkers list their late sends in their summaries. Times are TAI nanoseconds.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace takt::cell_report {

struct HostStall {
  std::string node;
  std::string source;  // "packet-loop" (a bridge) or "talker"
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::int64_t excess_ns = 0;  // how far beyond the threshold
};

// The bridge's --stall-log: {"node", "source", "start-ns", "end-ns", "excess-ns"} per line.
std::vector<HostStall> read_stall_log(const std::filesystem::path& file);

// Every stall of the run, by the node that stalled.
class StallsByNode {
 public:
  void add(HostStall stall);
  void add(const std::vector<HostStall>& stalls);
  const std::vector<HostStall>& of(const std::string& node) const;
  const std::map<std::string, std::vector<HostStall>>& all() const { return by_node_; }

 private:
  std::map<std::string, std::vector<HostStall>> by_node_;
};

}  // namespace takt::cell_report
