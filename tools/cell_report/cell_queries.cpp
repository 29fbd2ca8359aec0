#include "tools/cell_report/cell_queries.hpp"

#include <cctype>

#include <fmt/format.h>

namespace takt::cell_report {

CellQueries::CellQueries(const CellPlan& plan) {
  queries_.push_back({kP99, "histogram_quantile(0.99, sum by (stream, le) (takt_probe_latency_seconds_bucket))"});
  for (const auto& s : plan.streams()) {
    if (!s.max_latency_ns) continue;
    queries_.push_back(
        {on_time_name(s.name), fmt::format("sum(takt_probe_latency_seconds_bucket{{stream=\"{}\",le=\"{}\"}}) / "
                                           "sum(takt_probe_latency_seconds_count{{stream=\"{}\"}})",
                                           s.name, le_of(*s.max_latency_ns), s.name)});
  }
  queries_.push_back({kStalls, "sum by (bridge) (takt_dataplane_packet_loop_stalls_total)"});
  queries_.push_back({kOverruns, "sum by (bridge, stream) (takt_dataplane_window_overruns_total) > 0"});
  // The talkers are gone when the report is made: whether a target answered during the run.
  queries_.push_back({kUp, "max_over_time(up[10m])"});
  queries_.push_back({kController,
                      "sum by (__name__, result) "
                      "({__name__=~\"takt_controller_(converged|installs_total|repairs_total|sync_loss_total)\"})"});
  // The raw scrapes of a run's Prometheus (its storage holds only this run): a day is all of it.
  queries_.push_back({kPsfp, "takt_psfp_discarded_frames_total[1d]"});
  queries_.push_back({kFrer,
                      "sum by (__name__, bridge, stream, result) "
                      "({__name__=~\"takt_frer_(generated_frames|recovery_frames)_total\"})"});
  queries_.push_back({kStation,
                      "sum by (__name__, station, stream, window) ({__name__=~\"takt_station_(frames_sent|"
                      "policed_frames|departures|frames_received|arrivals|sequence_gaps|out_of_order|"
                      "deadline_misses)_total\"})"});
}

const std::string& CellQueries::expr(const std::string& name) const {
  for (const auto& q : queries_)
    if (q.name == name) return q.expr;
  static const std::string none;
  return none;
}

std::string CellQueries::on_time_name(const std::string& stream) {
  // Stream names become file names: anything but a plain name character is replaced.
  std::string safe = stream;
  for (auto& c : safe)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return "on-time-" + safe;
}

std::string CellQueries::le_of(std::int64_t max_latency_ns) {
  // Shortest decimal that reads back as the same double: what the exposition writes.
  return fmt::format("{}", static_cast<double>(max_latency_ns) / 1e9);
}

}  // namespace takt::cell_report
