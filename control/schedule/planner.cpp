#include "control/schedule/planner.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace takt::schedule {

void apply_bounds(Plan& plan, const analysis::AnalysisResult& bounds) {
  for (const auto& sb : bounds.streams) {
    StreamPlan* sp = nullptr;
    for (auto& s : plan.streams)
      if (s.name == sb.stream) sp = &s;
    if (!sp || sb.listeners.empty()) continue;
    sp->listener_timing.clear();
    for (const auto& l : sp->listeners) {
      Nanos worst{0};
      bool found = false;
      for (const auto& lb : sb.listeners)
        if (lb.listener == l) {
          worst = std::max(worst, lb.bound);
          found = true;
        }
      if (found) sp->listener_timing.push_back({l, worst, sp->max_latency - worst});
    }
    sp->worst_case_latency = sb.worst();
    sp->slack = sp->max_latency - sp->worst_case_latency;
  }
}

PlanOutcome plan_plant(const model::Plant& plant, const Plan* keep, const SynthesisOptions& options) {
  PlanOutcome out;
  out.synthesis = keep ? synthesise_incremental(plant, *keep, options) : synthesise(plant, options);
  out.moved = out.synthesis.moved;
  if (keep && options.no_move && !out.moved.empty()) {
    for (std::size_t i = 0; i < out.moved.size(); ++i)
      out.issues.push_back({out.moved[i], "",
                            fmt::format("stream {} of the kept plan would move: {}", out.moved[i],
                                        i < out.synthesis.moved_why.size() ? out.synthesis.moved_why[i]
                                                                           : std::string("its windows changed"))});
    return out;
  }
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
  // Every class is proved or there is no plan: the streams without windows get network-calculus
  // bounds, and a bounded stream whose bound misses its max-latency (or a port its traffic
  // overloads) refuses the plan, naming stream and port.
  out.bounds = analysis::analyse_latency(out.synthesis.plan, plant);
  if (!out.bounds->ok()) {
    out.issues = out.bounds->issues;
    return out;
  }
  out.plan = out.synthesis.plan;
  apply_bounds(*out.plan, *out.bounds);
  return out;
}

}  // namespace takt::schedule
