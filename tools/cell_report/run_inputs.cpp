#include "tools/cell_report/run_inputs.hpp"

#include <algorithm>

#include "tools/cell_report/input_error.hpp"

namespace takt::cell_report {

namespace {

std::vector<std::filesystem::path> stall_logs(const std::filesystem::path& run_dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("stalls-") && name.ends_with(".jsonl")) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

RunInputs read_run_inputs(const std::filesystem::path& plan_json, const std::filesystem::path& run_dir) {
  auto plan = read_cell_plan(plan_json);
  auto probes = read_probe_summaries(run_dir);
  if (probes.listened.empty()) throw InputError(run_dir, "has no listener-<station>.json summary");
  StallsByNode stalls;
  for (const auto& log : stall_logs(run_dir)) stalls.add(read_stall_log(log));
  stalls.add(probes.talker_stalls);
  PrometheusResults prometheus(run_dir / "prometheus" / "results", CellQueries(plan));
  auto bridges = read_bridge_status(run_dir / "status-end.json");
  auto install = read_install_record(run_dir / "install");
  auto faults = read_fault_log(run_dir / "faults.jsonl");
  return {std::move(plan),    std::move(probes),  std::move(stalls), std::move(prometheus),
          std::move(bridges), std::move(install), std::move(faults)};
}

}  // namespace takt::cell_report
