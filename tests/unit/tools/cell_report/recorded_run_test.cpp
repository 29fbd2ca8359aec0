// A recorded virtual cell run (scripts/demo.sh with DEMO_SECONDS=10 on a shared 2-vCPU VM, the
// stall logs cut to the talkers' send window): every late frame of it was in a host stall.
// expected-report.txt is takt-cell-report's output on it, which matched, line for line, what
// the shell's jq printed for the same files before the analysis moved here; since then the table
// has the stream filter and FRER columns and the protection lines (a run from before Prometheus
// was asked for them: "-" and "no answer").

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tools/cell_report/cell_analysis.hpp"
#include "tools/cell_report/result_json.hpp"
#include "tools/cell_report/table_renderer.hpp"

using namespace takt::cell_report;

namespace {

const std::filesystem::path kRun = std::filesystem::path(CELL_REPORT_DATA) / "recorded-run";

RunInputs recorded() { return read_run_inputs(kRun / "plan.json", kRun); }

}  // namespace

TEST_CASE("recorded run every late frame is in a host stall", "[cell_report]") {
  const auto result = analyse(recorded());
  REQUIRE(result.streams.size() == 8);
  const std::vector<std::string> order{"setpoint-x", "setpoint-y",   "actual-x",    "actual-y",
                                       "robot-io",   "robot-status", "robot-alarm", "camera-images"};
  const std::vector<std::uint64_t> late{4, 7, 5, 8, 5, 11, 0, 0};
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& s = result.streams[i];
    INFO(s.stream);
    CHECK(s.stream == order[i]);
    CHECK(s.late == late[i]);
    CHECK(s.late_in_host_stalls == late[i]);
    CHECK(s.late_unexplained == 0);
    CHECK(s.lost == 0);
    CHECK(s.verdict == (late[i] ? "ok, host stalls" : "ok"));
    CHECK(s.failures.empty());
  }
  CHECK(result.pass);
}

TEST_CASE("recorded run stall chance stays small", "[cell_report]") {
  const auto result = analyse(recorded());
  CHECK(*result.streams[0].stall_chance == Approx(0.0130152).epsilon(1e-4));
  CHECK(*result.streams[4].stall_chance == Approx(0.0252283).epsilon(1e-4));
  for (const auto& s : result.streams) CHECK(*s.stall_chance < 0.1);
}

TEST_CASE("recorded run node stalls within the send window", "[cell_report]") {
  const auto result = analyse(recorded());
  REQUIRE(result.nodes.size() == 7);
  CHECK(result.nodes[0].node == "camera");
  CHECK(result.nodes[0].threshold_ns == 200'000);  // a best-effort talker
  CHECK(result.nodes[5].node == "sw1");
  CHECK(result.nodes[5].count == 41);
  CHECK(result.nodes[5].longest_excess_ns == 6'779'174);
  CHECK(result.nodes[6].count == 27);
}

TEST_CASE("recorded run install and bridges at the end", "[cell_report]") {
  const auto result = analyse(recorded());
  REQUIRE(result.install);
  CHECK(result.install->transaction == "352643c268c4a39b");
  REQUIRE(result.install->bridges.size() == 2);
  CHECK(result.install->bridges[0].base_time_ns == 1'796'320'151'504'000'000);
  CHECK(result.install->bridges[0].base_time_ns % result.hyperperiod_ns == 0);
  REQUIRE(result.bridges_at_end.size() == 2);
  CHECK(result.bridges_at_end[1].transaction == "352643c268c4a39b");
  CHECK(result.bridges_at_end[1].deadline_misses == 6u);
  CHECK(result.controller.converged == "1");
}

TEST_CASE("recorded run prometheus view", "[cell_report]") {
  const auto result = analyse(recorded());
  CHECK(result.prometheus.targets_up.at("takt-probe") == 9);
  CHECK(result.prometheus.targets_up.at("takt-controller") == 1);
  REQUIRE(result.prometheus.stalls.size() == 2);
  CHECK(result.prometheus.stalls[0].value == "142");
  CHECK(result.prometheus.overruns.at("sw2").size() == 1);
  CHECK(result.streams[5].prometheus_on_time_ratio == Approx(0.9912));
  CHECK(result.streams[5].on_time_ratio == Approx(0.9912));
}

TEST_CASE("recorded run report text is unchanged", "[cell_report]") {
  const auto inputs = recorded();
  std::ifstream in(kRun / "expected-report.txt");
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(render_report(analyse(inputs), CellQueries(inputs.plan), {10, "Prometheus"}) == expected.str());
}

TEST_CASE("recorded run json result", "[cell_report]") {
  const auto json = result_json(analyse(recorded()));
  CHECK(json["pass"] == true);
  CHECK(json["streams"].size() == 8);
  CHECK(json["streams"][5]["late-in-host-stalls"] == 11);
  CHECK(json["streams"][6]["prometheus"]["p99-s"].get<double>() == Approx(0.000498286));
  CHECK(json["install"]["bridges"].size() == 2);
  CHECK(json["prometheus"]["packet-loop-stalls"]["sw2"] == "113");
}
