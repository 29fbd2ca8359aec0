#pragma once
// The report a person reads at the end of a virtual cell run: the stream table with its legend,
// the host stalls, the bridges and the controller at the end, and where to look in Prometheus.

#include <string>
#include <vector>

#include "tools/cell_report/cell_result.hpp"
#include "tools/cell_report/prometheus_results.hpp"

namespace takt::cell_report {

struct ReportHeader {
  std::uint64_t seconds = 0;   // how long the talkers sent
  std::string prometheus_url;  // where Prometheus ran during the cell
};

// Columns left-aligned, two spaces apart, the last one unpadded (as column -t lays them out).
std::string aligned_columns(const std::vector<std::vector<std::string>>& rows, const std::string& indent);

std::string render_stream_table(const CellResult& result);
std::string render_host_stalls(const CellResult& result);
// Per redundant stream what 802.1CB did, the planned streams' frames the stream filters
// discarded, the rogue frames the wildcard filters discarded, and whether the protected
// streams lost nothing.
std::string render_protection(const CellResult& result);
// What takt-station counted at the talkers and listeners beside takt-probe's counts, a line for
// every count that differs and for frames policed at the source; empty when it did not run.
std::string render_stations(const CellResult& result);
// PASS, or FAIL with every rule a stream broke (verdict.hpp's acceptance rules).
std::string render_cell_verdict(const CellResult& result);
std::string render_bridges(const CellResult& result);
std::string render_prometheus(const CellResult& result, const CellQueries& queries, const std::string& url);

// All of the above, with the section titles.
std::string render_report(const CellResult& result, const CellQueries& queries, const ReportHeader& header);

}  // namespace takt::cell_report
