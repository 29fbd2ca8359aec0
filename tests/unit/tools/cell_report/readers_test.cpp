// Reading the files a run leaves: errors name the file, cut logs keep their good lines.

#include <functional>

#include <catch2/catch.hpp>

#include "tools/cell_report/cell_plan.hpp"
#include "tools/cell_report/input_error.hpp"
#include "tools/cell_report/prometheus_results.hpp"
#include "tools/cell_report/run_inputs.hpp"
#include "tests/unit/tools/cell_report/scratch_file.hpp"

using namespace takt::cell_report;
using takt::cell_report::test::scratch_file;

namespace {

const std::filesystem::path kBoundaries = std::filesystem::path(CELL_REPORT_DATA) / "boundaries";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the plan gives each stream its path nodes and each node its stall threshold", "[cell_report]") {
  const auto plan = read_cell_plan(kBoundaries / "plan.json");
  REQUIRE(plan.streams().size() == 6);
  CHECK(plan.streams()[0].name == "s-talker");
  CHECK(plan.streams()[0].path_nodes == std::vector<std::string>{"plc", "sw1"});
  CHECK(plan.streams()[5].path_nodes == std::vector<std::string>{"plc", "sw2"});
  CHECK(plan.order_of("s-other") == 5);
  CHECK(plan.stall_threshold_ns("sw1") == 500'000);
  CHECK(plan.stall_threshold_ns("sw2") == kDefaultStallThresholdNs);  // no timing error reserved
  CHECK(plan.stall_threshold_ns("nobody") == kDefaultStallThresholdNs);
  CHECK(plan.hyperperiod_ns() == 1'000'000);
}

TEST_CASE("a stall log cut in its last line keeps the lines before", "[cell_report]") {
  const auto stalls = read_stall_log(kBoundaries / "stalls-sw1.jsonl");
  REQUIRE(stalls.size() == 2);
  CHECK(stalls[0].node == "sw1");
  CHECK(stalls[1].end_ns - stalls[1].start_ns == 1'000'000);
}

TEST_CASE("a stall log broken before its last line names file and line", "[cell_report]") {
  const auto file = scratch_file("broken.jsonl", "{\"node\": \"x\"\nnot json\n{}\n");
  CHECK(error_of([&] { read_stall_log(file); }).find(file.string() + ": line 1 is not JSON") == 0);
  std::filesystem::remove(file);
}

TEST_CASE("a missing input names the file", "[cell_report]") {
  CHECK(error_of([] { read_cell_plan("/nonexistent/plan.json"); }) == "/nonexistent/plan.json: cannot be read");
  CHECK(error_of([] { read_run_inputs(kBoundaries / "plan.json", "/nonexistent/run"); }) ==
        "/nonexistent/run: is not a folder");
}

TEST_CASE("a summary of the wrong role is refused naming the file", "[cell_report]") {
  ProbeSummaries into;
  const auto file = kBoundaries / "talker-plc.json";
  CHECK(error_of([&] { read_listener_summary(file, "plc", into); }) ==
        file.string() + ": is not a takt-probe listener summary");
}

TEST_CASE("the talkers give the send window and their stalls", "[cell_report]") {
  const auto probes = read_probe_summaries(kBoundaries);
  CHECK(probes.window.valid());
  CHECK(*probes.window.until_ns - *probes.window.first_ns == 10'000'000'000);
  REQUIRE(probes.talker_stalls.size() == 1);
  CHECK(probes.talker_stalls[0].node == "plc");
  CHECK(probes.talker_stalls[0].source == "talker");
  CHECK(probes.sent("s-loss") == 10000);
  CHECK(probes.listened.size() == 6);
}

TEST_CASE("a Prometheus answer gives its samples with labels and values", "[cell_report]") {
  const auto samples = read_prometheus_answer(kBoundaries / "prometheus" / "results" / "p99.json");
  REQUIRE(samples.size() == 6);
  CHECK(samples[0].label("stream") == "s-talker");
  CHECK(samples[0].number() == Approx(0.0009));
  const auto failed = scratch_file("failed.json", R"({"status": "error", "error": "bad query"})");
  CHECK(error_of([&] { read_prometheus_answer(failed); }) ==
        failed.string() + ": is not a successful Prometheus answer");
  std::filesystem::remove(failed);
}

TEST_CASE("the queries name one on time query per stream with a deadline", "[cell_report]") {
  const CellQueries queries(read_cell_plan(kBoundaries / "plan.json"));
  CHECK(queries.all().size() == 8 + 6);  // 8 of the cell, one on-time query per stream with a deadline
  CHECK(queries.expr("on-time-s-talker") ==
        "sum(takt_probe_latency_seconds_bucket{stream=\"s-talker\",le=\"0.002\"}) / "
        "sum(takt_probe_latency_seconds_count{stream=\"s-talker\"})");
  CHECK(CellQueries::on_time_name("a b/c") == "on-time-a_b_c");
}

TEST_CASE("a deeply nested plan or log is refused naming the file and the limit, not a crash", "[cell_report]") {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto plan = scratch_file("deep-plan.json", deep);
  CHECK(error_of([&] { read_cell_plan(plan); }).find(plan.string() + ": nesting deeper than 64 levels") == 0);
  const auto log = scratch_file("deep.jsonl", deep + "\n{}\n");
  CHECK(error_of([&] { read_stall_log(log); }).find(log.string() + ": line 1: nesting deeper than 64 levels") == 0);
  std::filesystem::remove(plan);
  std::filesystem::remove(log);
}
