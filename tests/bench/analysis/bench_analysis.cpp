// Latency-analysis benchmark: generated mesh plants whose streams are all bounded, routed by the
// planner, then bounded by control/analysis. Prints per instance the streams, (port, class)
// pairs, fixed-point passes, analysis CPU time, and the routing time of the same run as the
// peer (shared machines are noisy: compare the ratio, not the milliseconds).
//
//   bench_analysis                      100, 1,000 and 10,000 bounded streams
//   bench_analysis -s 5000 -b 64        one instance
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/cpu_time.hpp"
#include "control/analysis/latency_bounds.hpp"
#include "control/schedule/synthesiser.hpp"
#include "tests/bench/plan/plant_generator.hpp"

using namespace takt;

namespace {

void run(int streams, int bridges, int repeat) {
  bench::GeneratorSpec spec;
  spec.topology = bench::Topology::mesh;
  spec.bridges = bridges;
  spec.extra_end_stations = bridges;
  spec.streams = streams;
  spec.size_pattern = 0;
  spec.seed = 7;
  model::Plant plant = bench::generate_plant(spec);
  // Alarms and cyclic I/O: bounded, 10 ms, small frames, 20 ms deadline.
  for (auto& s : plant.streams) {
    s.traffic_class = model::TrafficClassKind::bounded;
    s.pcp = 4;
    s.interval = Nanos{10'000'000};
    s.max_latency = Nanos{20'000'000};
    s.max_frame_size = std::min<std::int64_t>(s.max_frame_size, 200);
  }
  const double t0 = process_cpu_seconds();
  const auto synthesis = schedule::synthesise(plant);  // routes (no windows: nothing is scheduled)
  const double routing = process_cpu_seconds() - t0;
  analysis::AnalysisResult result;
  const double t1 = process_cpu_seconds();
  for (int i = 0; i < repeat; ++i) result = analysis::analyse_latency(synthesis.plan, plant);
  const double analysis_s = (process_cpu_seconds() - t1) / repeat;
  Nanos worst{0};
  double tightest_slack = 1.0;
  for (const auto& s : result.streams) {
    worst = std::max(worst, s.worst());
    if (s.max_latency.count() > 0)
      tightest_slack = std::min(
          tightest_slack, 1.0 - static_cast<double>(s.worst().count()) / static_cast<double>(s.max_latency.count()));
  }
  fmt::print(
      "{:>6} streams {:>4} bridges {:>6} port-classes {:>3} passes  analysis {:>9.2f} ms  routing {:>9.2f} ms  "
      "analysis/routing {:>5.2f}  worst bound {:>10} ns  admitted {}\n",
      result.streams.size(), bridges, result.ports.size(), result.iterations, analysis_s * 1e3, routing * 1e3,
      routing > 0 ? analysis_s / routing : 0.0, worst.count(), result.ok() ? "yes" : "no");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_analysis: network-calculus bounds for generated plants of bounded streams"};
  int streams = 0, bridges = 32, repeat = 3;
  app.add_option("-s,--streams", streams, "One instance with this many bounded streams");
  app.add_option("-b,--bridges", bridges, "Bridges in the mesh")->capture_default_str();
  app.add_option("-r,--repeat", repeat, "Analysis runs to average")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (streams > 0) {
    run(streams, bridges, repeat);
    return 0;
  }
  for (const auto& [n, b] : std::vector<std::pair<int, int>>{{100, 16}, {1000, 32}, {10000, 64}}) run(n, b, repeat);
  return 0;
}
