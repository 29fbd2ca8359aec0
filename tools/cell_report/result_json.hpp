#pragma once
// The report as JSON (takt-cell-report --json FILE, format takt-cell-report/1): what tests and
// tools check instead of the printed table. Durations in nanoseconds, ratios in [0, 1], null
// where a value was not measured.

#include <nlohmann/json.hpp>

#include "tools/cell_report/cell_result.hpp"

namespace takt::cell_report {

nlohmann::ordered_json result_json(const CellResult& result);

}  // namespace takt::cell_report
