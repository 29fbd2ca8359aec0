// Simulator benchmark: simulated frame-hops (one frame transmitted on one link) per CPU second,
// per example plant. Each plant runs twice, 1 and N hyperperiods: the total rate includes the
// set-up (bridge configurations, classifiers, gate engines), the marginal rate (the hops and CPU
// time the extra N - 1 hyperperiods add) is the event loop's own speed. Both come from the same
// run of the same binary, so the machine's noise hits both alike.
//
//   bench_simulate                 the example plants, N = 100 and 1,000
//   bench_simulate -n 5000         another N
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/cpu_time.hpp"
#include "control/model/loader.hpp"
#include "control/schedule/planner.hpp"
#include "control/simulate/simulator.hpp"

using namespace takt;

namespace {

struct Timed {
  std::uint64_t hops = 0;
  double seconds = 0;
};

Timed timed_run(const schedule::Plan& plan, const model::Plant& plant, int hyperperiods) {
  simulate::Options options;
  options.hyperperiods = hyperperiods;
  options.runs = {simulate::Phasing::random};
  const double t0 = process_cpu_seconds();
  const auto result = simulate::run(plan, plant, options);
  return {result.frame_hops, process_cpu_seconds() - t0};
}

int bench(const std::string& name, int hyperperiods) {
  auto loaded = model::load_plant_file(std::string(TAKT_CONFIGS_DIR) + "/plants/" + name + ".yaml");
  if (!loaded.plant) {
    std::cerr << name << ": the plant does not load\n";
    return 1;
  }
  const auto outcome = schedule::plan_plant(*loaded.plant);
  if (!outcome.plan) {
    std::cerr << name << ": the plant does not plan\n";
    return 1;
  }
  const Timed one = timed_run(*outcome.plan, *loaded.plant, 1);
  const Timed many = timed_run(*outcome.plan, *loaded.plant, hyperperiods);
  const double marginal =
      many.seconds > one.seconds ? static_cast<double>(many.hops - one.hops) / (many.seconds - one.seconds) : 0.0;
  fmt::print("{:<16} {:>6} hyperperiods {:>12} frame-hops  {:>8.3f} s CPU  total {:>6.2f} M/s  marginal {:>6.2f} M/s\n",
             name, hyperperiods, many.hops, many.seconds, static_cast<double>(many.hops) / many.seconds / 1e6,
             marginal / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_simulate: simulated frame-hops per CPU second on the example plants"};
  std::vector<int> counts{100, 1000};
  app.add_option("-n,--hyperperiods", counts, "Hyperperiods per run (several allowed)");
  CLI11_PARSE(app, argc, argv);
  int rc = 0;
  for (const char* plant : {"small-cell", "body-shop-line", "virtual-cell"})
    for (int n : counts) rc |= bench(plant, n);
  return rc;
}
