#pragma once
// Everything a virtual cell run leaves for the report, read from its work folder:
//
//   talker-<station>.json, listener-<station>.json   takt-probe --json-summary
//   stalls-<bridge>.jsonl                             takt-dataplane --stall-log
//   prometheus/results/<query>.json                   Prometheus's answers (CellQueries)
//   status-end.json                                   taktctl status --format json at the end
//   install/status.json, install/bridge-<b>.json      the bridges when the plan came into force
//   faults.jsonl                                      the faults DEMO_FAULTS injected, when
//
// and the plan it ran (plan.json). Only the probe summaries must be there; the rest may be
// missing when that part of the run failed, and the report says so.

#include <filesystem>
#include <optional>
#include <vector>

#include "tools/cell_report/bridge_status.hpp"
#include "tools/cell_report/cell_plan.hpp"
#include "tools/cell_report/host_stalls.hpp"
#include "tools/cell_report/probe_summaries.hpp"
#include "tools/cell_report/prometheus_results.hpp"
#include "tools/cell_report/protection_accounting.hpp"

namespace takt::cell_report {

struct RunInputs {
  CellPlan plan;
  ProbeSummaries probes;
  StallsByNode stalls;  // bridges' logs and talkers' late sends together
  PrometheusResults prometheus;
  std::vector<BridgeState> bridges_at_end;
  std::optional<InstallRecord> install;
  std::vector<InjectedFault> faults;
};

RunInputs read_run_inputs(const std::filesystem::path& plan_json, const std::filesystem::path& run_dir);

}  // namespace takt::cell_report
