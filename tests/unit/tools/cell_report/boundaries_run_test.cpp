// The hand-made run of data/boundaries end to end: one stream per boundary of the host stall
// accounting (see that folder's plan.json and summaries).

#include <catch2/catch.hpp>

#include "tools/cell_report/cell_analysis.hpp"
#include "tools/cell_report/result_json.hpp"
#include "tools/cell_report/table_renderer.hpp"

using namespace takt::cell_report;

namespace {

const std::filesystem::path kBoundaries = std::filesystem::path(CELL_REPORT_DATA) / "boundaries";

const StreamResult& row(const CellResult& r, const std::string& stream) {
  for (const auto& s : r.streams)
    if (s.stream == stream) return s;
  FAIL("no row for " << stream);
  throw;
}

}  // namespace

TEST_CASE("boundaries run verdicts", "[cell_report]") {
  const auto result = analyse(read_run_inputs(kBoundaries / "plan.json", kBoundaries));
  REQUIRE(result.streams.size() == 6);
  // A late frame sent inside the talker's own stall.
  CHECK(row(result, "s-talker").verdict == "ok, host stalls");
  CHECK(row(result, "s-talker").late_in_host_stalls == 1);
  // A stall of sw1 starting between the send and the deadline.
  CHECK(row(result, "s-bridge").verdict == "ok, host stalls");
  // sw2 stalled, but the stream does not cross sw2.
  CHECK(row(result, "s-offpath").verdict == "LATE");
  CHECK(row(result, "s-offpath").late_unexplained == 1);
  // sw1's stall ended one nanosecond before the send.
  CHECK(row(result, "s-before").verdict == "LATE");
  CHECK(row(result, "s-loss").verdict == "LOSS");
  CHECK(row(result, "s-other").verdict == "ok");
  CHECK_FALSE(result.pass);
  CHECK(row(result, "s-talker").failures.empty());
  REQUIRE_FALSE(row(result, "s-loss").failures.empty());
  CHECK(row(result, "s-loss").failures.front() == "2 of 10000 frames lost");
}

TEST_CASE("boundaries run stall chance and node stalls", "[cell_report]") {
  const auto result = analyse(read_run_inputs(kBoundaries / "plan.json", kBoundaries));
  // plc's 3 ms and sw1's 2 ms and 1 ms stalls, each widened by the 2 ms deadline, in 10 s.
  REQUIRE(row(result, "s-talker").stall_chance);
  CHECK(*row(result, "s-talker").stall_chance == Approx(12e6 / 10e9));
  REQUIRE(result.nodes.size() == 3);
  CHECK(result.nodes[0].node == "plc");
  CHECK(result.nodes[1].node == "sw1");
  CHECK(result.nodes[1].count == 2);
  CHECK(result.nodes[2].threshold_ns == kDefaultStallThresholdNs);
}

TEST_CASE("boundaries run prometheus answers reach the rows", "[cell_report]") {
  const auto result = analyse(read_run_inputs(kBoundaries / "plan.json", kBoundaries));
  CHECK(row(result, "s-talker").prometheus_p99_s == Approx(0.0009));
  CHECK(row(result, "s-talker").prometheus_on_time_ratio == Approx(0.9999));
  CHECK_FALSE(row(result, "s-bridge").prometheus_on_time_ratio);
  CHECK(result.bridges_at_end.empty());
  CHECK_FALSE(result.install);
}

TEST_CASE("boundaries run table and json", "[cell_report]") {
  const auto inputs = read_run_inputs(kBoundaries / "plan.json", kBoundaries);
  const auto result = analyse(inputs);
  const auto text = render_report(result, CellQueries(inputs.plan), {10, "http://127.0.0.1:19090"});
  CHECK(text.find("== Streams of the virtual cell over 10 s") != std::string::npos);
  CHECK(text.find("  s-talker   scheduled    plc -> drive        300 us  900 us  2.6 ms  2 ms         10000  10000     "
                  "0     99.99      1     1               -             -                -              -          ok, "
                  "host stalls\n") != std::string::npos);
  CHECK(text.find(
            "  s-loss     scheduled    plc -> drive        300 us  900 us  1.5 ms  2 ms         10000  9998      "
            "2     100        0     0               -             -                -              -          LOSS\n") !=
        std::string::npos);
  CHECK(text.find("    sw2: 1 beyond 200 us, longest 3.5 ms\n") != std::string::npos);
  CHECK(text.find("    s-offpath -> drive: 0 of 1 late frames in a host stall; a frame sent at a random time would "
                  "be in one 0.1 % of the time\n") != std::string::npos);
  CHECK(text.find("  cell: FAIL: s-bridge -> drive: Prometheus's on-time ratio none is not the listener's 0.9999; "
                  "s-offpath -> drive: 1 of its 1 late frames were in no host stall; ") != std::string::npos);
  const auto json = result_json(result);
  CHECK(json["format"] == "takt-cell-report/1");
  CHECK(json["pass"] == false);
  CHECK(json["streams"][0]["late-in-host-stalls"] == 1);
  CHECK(json["streams"][2]["late-unexplained"] == 1);
  CHECK(json["streams"][4]["lost"] == 2);
  CHECK(json["nodes"].size() == 3);
}

TEST_CASE("Prometheus's p99 shows beside the listener's, and a p99 in +Inf as beyond the top bucket", "[cell_report]") {
  const auto inputs = read_run_inputs(kBoundaries / "plan.json", kBoundaries);
  auto result = analyse(inputs);
  REQUIRE(result.prometheus.p99_s.size() == 6);
  CHECK(result.prometheus.p99_s[0].label == "s-talker");
  result.prometheus.p99_s[1].value = "0.1";  // histogram_quantile's answer for a rank in +Inf
  result.prometheus.p99_s[2].value = "0.0825";
  const auto text = render_prometheus(result, CellQueries(inputs.plan), "http://127.0.0.1:19090");
  CHECK(text.find("    s-talker: 900 us (listener: 900 us)\n") != std::string::npos);
  CHECK(text.find("    s-bridge: above 100 ms (beyond the top histogram bucket) (listener: ") != std::string::npos);
  CHECK(text.find("    s-offpath: 82.5 ms (listener: ") != std::string::npos);
}
