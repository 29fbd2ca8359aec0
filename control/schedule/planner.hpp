#pragma once
// The one call the CLI needs: route, synthesise, build gate control lists, verify, bound the
// classes without windows. A plan comes out only if the independent verifier accepts it and
// every bounded stream is admitted (control/analysis).
#include <optional>
#include <string>
#include <vector>

#include "control/analysis/latency_bounds.hpp"
#include "control/schedule/synthesiser.hpp"
#include "control/verify/verifier.hpp"

namespace takt::schedule {

struct PlanOutcome {
  std::optional<Plan> plan;        // set iff synthesis succeeded and the verifier found nothing
  Issues issues;                   // why not: unschedulable plant, or (a bug) what the verifier found
  std::vector<std::string> moved;  // with `keep`: kept streams whose windows changed
  SynthesisResult synthesis;       // the full synthesis result, placed-or-not counts included
  // Latency bounds of the streams without windows (set once synthesis and verification passed).
  std::optional<analysis::AnalysisResult> bounds;
};

// Writes the bounds into the plan's bounded and best-effort streams: worst case and slack per
// listener (the largest over its seamless trees) and for the stream.
void apply_bounds(Plan& plan, const analysis::AnalysisResult& bounds);

// `keep`: a previous plan whose streams should stay where they are, on their routes and windows
// (taktctl plan --keep); with options.no_move, any kept stream that would move refuses the plan
// (--no-move).
PlanOutcome plan_plant(const model::Plant& plant, const Plan* keep = nullptr, const SynthesisOptions& options = {});

}  // namespace takt::schedule
