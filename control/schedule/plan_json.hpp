#pragma once
// plan.json: the Plan as versioned JSON ("format": "takt-plan/1"). Times are integer
// nanoseconds, never floating seconds, so a plan read back is bit-identical to the one written.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "control/schedule/plan.hpp"

namespace takt::schedule {

// Thrown by the readers with a message naming what is wrong where (file, JSON path).
struct PlanFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

nlohmann::json to_json(const Plan& plan);
Plan plan_from_json(const nlohmann::json& j);  // throws PlanFormatError

// Writes atomically enough for a CLI: the whole text, then rename over `path`.
void write_plan_file(const Plan& plan, const std::string& path);
Plan read_plan_file(const std::string& path);  // throws PlanFormatError

const char* traffic_class_kind_name(model::TrafficClassKind k);  // "scheduled", "bounded", "best-effort"

}  // namespace takt::schedule
