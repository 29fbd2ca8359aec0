#pragma once
// The answers to the report's queries (cell_queries.hpp) as the virtual cell saved them: each
// answer of Prometheus's /api/v1/query as <name>.json in one folder.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/cell_report/cell_queries.hpp"

namespace takt::cell_report {

// One raw sample of a range query's series: when Prometheus scraped it (Unix time, ms) and
// the value as written.
struct PromPoint {
  std::int64_t unix_ms = 0;
  std::string value;
  double number() const;
};

struct PromSample {
  std::map<std::string, std::string> labels;
  std::string value;  // as Prometheus wrote it ("0.25", "NaN", "+Inf"); a range's last point
  // A range vector selector's answer (result type "matrix"): every scrape of the series, oldest
  // first. Empty for an instant vector.
  std::vector<PromPoint> points;
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

// One saved /api/v1/query answer (an instant vector, or a matrix of a range vector selector);
// InputError when it is not one.
std::vector<PromSample> read_prometheus_answer(const std::filesystem::path& file);

}  // namespace takt::cell_report
