#pragma once
// From a run's inputs to its findings: joins each listener's streams with the plan, the
// talkers' counts, the host stalls of the stream's path and Prometheus's answers.

#include "tools/cell_report/cell_result.hpp"
#include "tools/cell_report/run_inputs.hpp"
#include "tools/cell_report/verdict.hpp"

namespace takt::cell_report {

CellResult analyse(const RunInputs& inputs, const AcceptanceRules& rules = {});

}  // namespace takt::cell_report
