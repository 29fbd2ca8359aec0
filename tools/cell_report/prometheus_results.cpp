#include "tools/cell_report/prometheus_results.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/json_file.hpp"

namespace takt::cell_report {

CellQueries::CellQueries(const CellPlan& plan) {
  queries_.push_back({kP99, "histogram_quantile(0.99, sum by (stream, le) (takt_probe_latency_seconds_bucket))"});
  for (const auto& s : plan.streams()) {
    if (!s.max_latency_ns) continue;
    queries_.push_back({on_time_name(s.name),
                        fmt::format("sum(takt_probe_latency_seconds_bucket{{stream=\"{}\",le=\"{}\"}}) / "
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

double PromSample::number() const { return std::strtod(value.c_str(), nullptr); }

std::string PromSample::label(const std::string& key) const {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

std::vector<PromSample> read_prometheus_answer(const std::filesystem::path& file) {
  const auto doc = read_json_file(file);
  // The whole API answer, or only its result vector.
  const nlohmann::json* result = &doc;
  if (doc.is_object()) {
    if (doc.value("status", std::string()) != "success") throw InputError(file, "is not a successful Prometheus answer");
    if (!doc.contains("data") || !doc.at("data").contains("result"))
      throw InputError(file, "has no data.result");
    result = &doc.at("data").at("result");
  }
  if (!result->is_array()) throw InputError(file, "has no result vector");
  std::vector<PromSample> out;
  for (const auto& r : *result) {
    PromSample s;
    const auto metric = r.value("metric", nlohmann::json::object());  // a copy: items() must not outlive it
    for (const auto& [k, v] : metric.items())
      if (v.is_string()) s.labels[k] = v.get<std::string>();
    if (r.contains("value") && r.at("value").is_array() && r.at("value").size() == 2 && r.at("value")[1].is_string())
      s.value = r.at("value")[1].get<std::string>();
    else
      throw InputError(file, "a sample has no [time, \"value\"]");
    out.push_back(std::move(s));
  }
  return out;
}

PrometheusResults::PrometheusResults(const std::filesystem::path& dir, const CellQueries& queries) {
  if (!std::filesystem::is_directory(dir)) return;
  for (const auto& q : queries.all()) {
    const auto file = dir / (q.name + ".json");
    if (std::filesystem::exists(file)) results_[q.name] = read_prometheus_answer(file);
  }
}

const std::vector<PromSample>& PrometheusResults::result(const std::string& name) const {
  static const std::vector<PromSample> none;
  auto it = results_.find(name);
  return it == results_.end() ? none : it->second;
}

}  // namespace takt::cell_report
