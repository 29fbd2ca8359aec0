#pragma once
// The PromQL queries the report shows and reads the answers of. They live here, beside the code
// that reads their answers, so the shell needs to know none of them: it runs each (curl) and
// saves the answer under the query's name.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/cell_report/cell_plan.hpp"

namespace takt::cell_report {

struct PromQuery {
  std::string name;  // the saved answer's file name, without .json
  std::string expr;
};

// The queries of a run of this plan, in the order the report shows them.
class CellQueries {
 public:
  explicit CellQueries(const CellPlan& plan);

  static constexpr const char* kP99 = "p99";
  static constexpr const char* kStalls = "stalls";
  static constexpr const char* kOverruns = "overruns";
  static constexpr const char* kUp = "up";
  static constexpr const char* kController = "controller";
  // Every scrape of every stream filter's discard counter (a range vector: when they grew).
  static constexpr const char* kPsfp = "psfp";
  // 802.1CB sequence generation and recovery per bridge and stream, at the end.
  static constexpr const char* kFrer = "frer";
  // takt-station's counters at every end station, per station and stream (station_counts.hpp).
  static constexpr const char* kStation = "station";

  const std::vector<PromQuery>& all() const { return queries_; }
  const std::string& expr(const std::string& name) const;
  // The on-time query of a stream with a max-latency: its histogram bucket at the deadline
  // over its count, as an operator would ask.
  static std::string on_time_name(const std::string& stream);
  // The bucket bound ("le" label) of a deadline, as the listener's histogram writes it.
  static std::string le_of(std::int64_t max_latency_ns);

 private:
  std::vector<PromQuery> queries_;
};

}  // namespace takt::cell_report
