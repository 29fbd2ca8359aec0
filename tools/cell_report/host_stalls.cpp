#include "tools/cell_report/host_stalls.hpp"

#include "tools/cell_report/json_file.hpp"

namespace takt::cell_report {

std::vector<HostStall> read_stall_log(const std::filesystem::path& file) {
  std::vector<HostStall> out;
  for (const auto& line : read_json_lines(file)) {
    out.push_back({required<std::string>(line, "node", file), line.value("source", std::string("packet-loop")),
                   required<std::int64_t>(line, "start-ns", file), required<std::int64_t>(line, "end-ns", file),
                   line.value("excess-ns", std::int64_t{0})});
  }
  return out;
}

void StallsByNode::add(HostStall stall) {
  auto& list = by_node_[stall.node];
  list.push_back(std::move(stall));
}

void StallsByNode::add(const std::vector<HostStall>& stalls) {
  for (const auto& s : stalls) add(s);
}

const std::vector<HostStall>& StallsByNode::of(const std::string& node) const {
  static const std::vector<HostStall> none;
  auto it = by_node_.find(node);
  return it == by_node_.end() ? none : it->second;
}

}  // namespace takt::cell_report
