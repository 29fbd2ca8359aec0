// A recorded virtual cell run with faults (DEMO_FAULTS=babbler,link-cut scripts/demo.sh, 30 s on
// a shared 2-vCPU VM; the ring plant with safety-io redundant over sw1 - sw2 and sw1 - sw3 - sw2).
// Trimmed: the plan without its artifact list and port tables, the stall logs cut to the talkers'
// send window and sw3's to its stalls of 2 ms or more, the install's agent documents to their
// committed transaction, the stream filter answer to the series that grew and two that did not.
// While it ran, sw1:p5 - sw3:p1 was down for 10 s and a babbler on sw1:p6 sent 6000 broadcasts
// and then 6000 frames with safety-io's identity.

#include <catch2/catch.hpp>

#include "tools/cell_report/cell_analysis.hpp"
#include "tools/cell_report/result_json.hpp"
#include "tools/cell_report/table_renderer.hpp"

using namespace takt::cell_report;

namespace {

const std::filesystem::path kRun = std::filesystem::path(CELL_REPORT_DATA) / "fault-run";

RunInputs recorded() { return read_run_inputs(kRun / "plan.json", kRun); }

const StreamResult& row(const CellResult& r, const std::string& stream) {
  for (const auto& s : r.streams)
    if (s.stream == stream) return s;
  FAIL("no row for " << stream);
  return r.streams.front();
}

}  // namespace

TEST_CASE("fault run the redundant stream lost nothing across the cut", "[cell_report]") {
  const auto result = analyse(recorded());
  const auto& s = row(result, "safety-io");
  CHECK(s.redundant);
  CHECK(s.sent == 3750);
  CHECK(s.received == 3750);
  CHECK(s.lost == 0);
  CHECK(s.duplicated == 0);
  REQUIRE(s.frer);
  CHECK(s.frer->generating == std::vector<std::string>{"sw1"});
  CHECK(s.frer->recovering == std::vector<std::string>{"sw2"});
  CHECK(s.frer->generated == 3750);
  CHECK(s.frer->passed == 3750);
  CHECK(s.frer->eliminated == 2484);
  CHECK(s.frer->one_copy() == 1266);  // the 10 s cut is 1250 intervals of 8 ms
  CHECK(s.frer->lost == 0);
  CHECK(s.frer->rogue == 13);
  CHECK(result.protected_lost_nothing);
}

TEST_CASE("fault run the copies sw3 policed after the cut are the fault's", "[cell_report]") {
  const auto result = analyse(recorded());
  const auto& s = row(result, "safety-io");
  REQUIRE(s.psfp);
  CHECK(s.psfp->dropped == 795);
  CHECK(s.psfp->in_faults == 795);
  CHECK(s.psfp->unexplained() == 0);
  REQUIRE(s.psfp->where.size() == 2);
  CHECK(s.psfp->where[1] == "sw3:p1 flow-meter-red 794 (794 in faults, 0 in host stalls)");
  CHECK(s.failures.empty());
  // Its late frames: every one in a stall of a node both trees share (or, in the cut, of its
  // remaining tree); sw3's many stalls delay only the second copy.
  CHECK(s.late == 30u);
  CHECK(s.late_in_host_stalls == 30);
  CHECK(*s.stall_chance < 0.5);
  for (const auto& other : result.streams) {
    if (other.stream == "safety-io") continue;
    INFO(other.stream);
    CHECK_FALSE(other.redundant);
    CHECK_FALSE(other.frer);
    REQUIRE(other.psfp);
    CHECK(other.psfp->dropped == 0);
  }
  CHECK(result.pass);
}

TEST_CASE("fault run the wildcard filter dropped every impersonating frame", "[cell_report]") {
  const auto result = analyse(recorded());
  REQUIRE(result.wildcard_discards);
  REQUIRE(result.wildcard_discards->size() == 1);
  const auto& w = result.wildcard_discards->front();
  CHECK(w.bridge == "sw1");
  CHECK(w.port == "p6");
  CHECK(w.reason == "stream-gate-closed");
  CHECK(w.frames == 6000);
  REQUIRE(result.faults.size() == 3);
  CHECK(result.faults[1].fault == "link-cut");
  CHECK(result.faults[1].what == "sw1:p5 - sw3:p1");
  CHECK(result.faults[1].end_ns - result.faults[1].start_ns == Approx(10.1e9).epsilon(0.01));
}

TEST_CASE("fault run report and json", "[cell_report]") {
  const auto inputs = recorded();
  const auto result = analyse(inputs);
  const auto text = render_report(result, CellQueries(inputs.plan), {30, "Prometheus"});
  CHECK(text.find("  safety-io      scheduled    edge-server -> robot    3.29 ms   3.69 ms   19.28 ms  6 ms         "
                  "3750    3750      0     99.2       30    30              795 (795 in faults)  2484             "
                  "1266           0          ok, host stalls\n") != std::string::npos);
  CHECK(text.find("    faults injected while the talkers sent (DEMO_FAULTS): babbler sw1:p6 for 6.1 s; link-cut "
                  "sw1:p5 - sw3:p1 for 10.1 s; babbler sw1:p6 for 6.7 s\n") != std::string::npos);
  CHECK(
      text.find("    safety-io -> robot (redundant: numbered at sw1, recovered at sw2): lost nothing; 3750 sent, 3750 "
                "received, no duplicate; recovery passed 3750, eliminated 2484 second copies, 1266 frames came by one "
                "tree only, lost 0, 13 stale copies discarded as rogue\n") != std::string::npos);
  CHECK(text.find("    rogue or unidentified frames on scheduled priorities the wildcard filters discarded: 6000 "
                  "(sw1:p6 stream-gate-closed 6000)\n") != std::string::npos);
  CHECK(text.find("  verdict: protected (redundant) streams lost nothing\n  cell: PASS, every stream met the cell's "
                  "acceptance rules\n") != std::string::npos);
  const auto json = result_json(result);
  CHECK(json["pass"] == true);
  CHECK(json["protection"]["protected-streams-lost-nothing"] == true);
  CHECK(json["protection"]["wildcard-discards"][0]["frames"] == 6000);
  CHECK(json["protection"]["faults"].size() == 3);
  CHECK(json["streams"][6]["stream"] == "safety-io");
  CHECK(json["streams"][6]["redundant"] == true);
  CHECK(json["streams"][6]["psfp"]["in-faults"] == 795);
  CHECK(json["streams"][6]["frer"]["one-copy"] == 1266);
  CHECK(json["streams"][0]["frer"].is_null());
}
