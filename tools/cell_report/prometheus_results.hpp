#pragma once
// The PromQL queries the report shows and the answers the virtual cell saved. The queries live
// here, next to the code that reads their answers; the shell only runs them (curl) and saves
// each answer of Prometheus's /api/v1/query as <name>.json in one folder.

#include <filesystem>
#include <map>
#include <optional>
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

struct PromSample {
  std::map<std::string, std::string> labels;
  std::string value;  // as Prometheus wrote it ("0.25", "NaN", "+Inf")
  double number() const;
  std::string label(const std::string& key) const;
};

// The saved answers, by query name. A query whose answer is missing (Prometheus did not
// answer) has an empty result, as the report showed it before.
class PrometheusResults {
 public:
  PrometheusResults() = default;
  // Reads <dir>/<name>.json for every query; a folder that does not exist means none.
  PrometheusResults(const std::filesystem::path& dir, const CellQueries& queries);

  const std::vector<PromSample>& result(const std::string& name) const;
  bool answered(const std::string& name) const { return results_.count(name) != 0; }
  void set(const std::string& name, std::vector<PromSample> samples) { results_[name] = std::move(samples); }

 private:
  std::map<std::string, std::vector<PromSample>> results_;
};

// One saved /api/v1/query answer; InputError when it is not one.
std::vector<PromSample> read_prometheus_answer(const std::filesystem::path& file);

}  // namespace takt::cell_report
