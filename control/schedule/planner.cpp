#include "control/schedule/planner.hpp"

namespace takt::schedule {

PlanOutcome plan_plant(const model::Plant& plant, const Plan* keep, const SynthesisOptions& options) {
  PlanOutcome out;
  out.synthesis = keep ? synthesise_incremental(plant, *keep, options) : synthesise(plant, options);
  out.moved = out.synthesis.moved;
  if (!out.synthesis.ok()) {
    out.issues = out.synthesis.issues;
    return out;
  }
  auto problems = verify_plan(out.synthesis.plan, plant);
  if (!problems.empty()) {
    // The synthesiser promised something the verifier cannot confirm (most likely gates merged
    // to fit a short list let a frame leave early): no plan, and say why.
    for (auto& p : problems) p.message = "the synthesised plan fails verification: " + p.message;
    out.issues = std::move(problems);
    return out;
  }
  out.plan = out.synthesis.plan;
  return out;
}

}  // namespace takt::schedule
