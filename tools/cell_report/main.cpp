// takt-cell-report: the verdicts of a virtual cell run (scripts/virtual-cell.sh).
//
//   takt-cell-report --plan PLAN.json --queries
//       the PromQL queries to save, one "name<TAB>query" per line; save each answer of
//       /api/v1/query as <run-dir>/prometheus/results/<name>.json
//   takt-cell-report --plan PLAN.json --run-dir DIR [--seconds N] [--prometheus-url URL] [--json FILE]
//       the report on stdout, the result as JSON in FILE
//
// Exit 0 for every completed analysis, whatever it found (the verdicts are in the JSON: a
// failed cell is a finding, not an error of this program); 2 for usage errors and inputs that
// cannot be read, naming the file.

#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/cell_report/cell_analysis.hpp"
#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/result_json.hpp"
#include "tools/cell_report/run_inputs.hpp"
#include "tools/cell_report/table_renderer.hpp"

namespace {

constexpr int kUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace takt::cell_report;
  CLI::App app{"takt-cell-report: the table and verdicts of a virtual cell run (scripts/virtual-cell.sh)"};
  std::string plan_file, run_dir, json_file, prometheus_url = "Prometheus";
  std::uint64_t seconds = 0;
  bool queries_only = false;
  AcceptanceRules rules;
  app.add_option("--plan", plan_file, "plan.json of taktctl plan: the plan the cell ran")->required();
  app.add_flag("--queries", queries_only, "Print the PromQL queries to save (name<TAB>query) and exit");
  app.add_option("--run-dir", run_dir, "The run's work folder (probe summaries, stall logs, saved answers)");
  app.add_option("--seconds", seconds, "How long the talkers sent (for the table's title)");
  app.add_option("--prometheus-url", prometheus_url, "Where Prometheus ran (for the report)");
  app.add_option("--json", json_file, "Write the result as JSON (format takt-cell-report/1) to this file");
  app.add_option("--miss-tolerance", rules.miss_tolerance,
                 "Late frames (deadline streams; at least the share of the run host stalls cover) or lost frames (best "
                 "effort) accepted, as a share")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kUsage;
  }

  try {
    if (queries_only) {
      const CellQueries queries(read_cell_plan(plan_file));
      for (const auto& q : queries.all()) std::cout << q.name << '\t' << q.expr << '\n';
      return 0;
    }
    if (run_dir.empty()) {
      std::cerr << "takt-cell-report: --run-dir is required (or --queries)\n";
      return kUsage;
    }
    const auto inputs = read_run_inputs(plan_file, run_dir);
    const auto result = analyse(inputs, rules);
    if (!json_file.empty()) {
      std::ofstream out(json_file);
      out << result_json(result).dump(2) << '\n';
      if (!out) throw InputError(json_file, "cannot be written");
    }
    std::cout << render_report(result, CellQueries(inputs.plan), {seconds, prometheus_url});
    return 0;
  } catch (const InputError& e) {
    std::cerr << "takt-cell-report: " << e.what() << '\n';
    return kUsage;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "takt-cell-report: " << e.what() << '\n';
    return kUsage;
  }
}
