#include "tools/cell_report/prometheus_results.hpp"

#include <cmath>
#include <cstdlib>

#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/json_file.hpp"

namespace takt::cell_report {

double PromPoint::number() const { return std::strtod(value.c_str(), nullptr); }

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
    if (doc.value("status", std::string()) != "success")
      throw InputError(file, "is not a successful Prometheus answer");
    if (!doc.contains("data") || !doc.at("data").contains("result")) throw InputError(file, "has no data.result");
    result = &doc.at("data").at("result");
  }
  if (!result->is_array()) throw InputError(file, "has no result vector");
  std::vector<PromSample> out;
  for (const auto& r : *result) {
    PromSample s;
    const auto metric = r.value("metric", nlohmann::json::object());  // a copy: items() must not outlive it
    for (const auto& [k, v] : metric.items())
      if (v.is_string()) s.labels[k] = v.get<std::string>();
    const auto point = [&](const nlohmann::json& p) {
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_string())
        throw InputError(file, "a sample has no [time, \"value\"]");
      return PromPoint{std::llround(p[0].get<double>() * 1000), p[1].get<std::string>()};
    };
    if (r.contains("values") && r.at("values").is_array()) {
      for (const auto& p : r.at("values")) s.points.push_back(point(p));
      if (!s.points.empty()) s.value = s.points.back().value;
    } else if (r.contains("value")) {
      s.value = point(r.at("value")).value;
    } else {
      throw InputError(file, "a sample has no [time, \"value\"]");
    }
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
