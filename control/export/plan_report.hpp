#pragma once
// The report an engineer reads first (report.txt, also printed by `taktctl plan`): every
// scheduled stream's path, talker offset, worst-case latency against its deadline and the slack
// left; every scheduled port's load and gate control list length against its profile's limit;
// the streams without reserved windows with their routes; and, when planning incrementally, the
// streams whose windows had to move.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::exporter {

struct ReportExtras {
  // Set when the plan was made incrementally from a kept plan: the kept streams that moved.
  std::optional<std::vector<std::string>> moved;
  // Aligned with moved where known: why each had to (a clause, "its route changed: ...").
  std::vector<std::string> moved_why;
};

// "edge-server -> sw1:p2 -> sw2:p3 -> drive-x" for each listener (one per tree with redundancy).
std::vector<std::string> stream_paths(const schedule::StreamPlan& stream, const std::string& listener);

std::string plan_report(const schedule::Plan& plan, const model::Plant& plant, const ReportExtras& extras = {});

// The same facts as data (`taktctl plan --format json`).
nlohmann::ordered_json plan_summary(const schedule::Plan& plan, const model::Plant& plant,
                                    const ReportExtras& extras = {});

}  // namespace takt::exporter
