// What the stream filters dropped and what 802.1CB recovery did, per stream: Prometheus answers
// written the way the virtual cell saves them (a range vector of takt_psfp_discarded_frames_total,
// an instant vector of the FRER counters), and the verdicts drawn from them.

#include <catch2/catch.hpp>

#include "tools/cell_report/protection_accounting.hpp"
#include "tools/cell_report/verdict.hpp"
#include "tests/unit/tools/cell_report/scratch_file.hpp"

using namespace takt::cell_report;
using takt::cell_report::test::scratch_file;

namespace {

// A saved answer of /api/v1/query as the virtual cell writes it.
std::vector<PromSample> answer(const std::string& json) {
  const auto file = scratch_file("protection-answer.json", json);
  auto samples = read_prometheus_answer(file);
  std::filesystem::remove(file);
  return samples;
}

// Scrapes once a second from Unix 1796363900 s; TAI is 37 s later.
constexpr std::int64_t kT0 = 1'796'363'900'000'000'000 + kTaiMinusUnixNs;
constexpr std::int64_t kSecond = 1'000'000'000;

const char* const kPsfp = R"({"status":"success","data":{"resultType":"matrix","result":[
  {"metric":{"__name__":"takt_psfp_discarded_frames_total","bridge":"sw1","instance":"169.254.60.1:9100",
             "job":"takt-dataplane","port":"p1","reason":"flow-meter-red","stream":"robot-io"},
   "values":[[1796363900,"0"],[1796363901,"0"],[1796363902,"2"],[1796363903,"2"],[1796363904,"2"],[1796363905,"3"]]},
  {"metric":{"__name__":"takt_psfp_discarded_frames_total","bridge":"sw1","instance":"169.254.60.1:9100",
             "job":"takt-dataplane","port":"p6","reason":"stream-gate-closed","stream":"*"},
   "values":[[1796363900,"0"],[1796363901,"0"],[1796363902,"2500"],[1796363903,"6000"],[1796363904,"6000"],[1796363905,"6000"]]},
  {"metric":{"__name__":"takt_psfp_discarded_frames_total","bridge":"sw1","instance":"169.254.60.1:9100",
             "job":"takt-dataplane","port":"p6","reason":"flow-meter-red","stream":"*"},
   "values":[[1796363900,"0"],[1796363905,"0"]]},
  {"metric":{"__name__":"takt_psfp_discarded_frames_total","bridge":"sw3","instance":"169.254.60.3:9100",
             "job":"takt-dataplane","port":"p1","reason":"flow-meter-red","stream":"safety-io"},
   "values":[[1796363900,"0"],[1796363901,"0"],[1796363902,"0"],[1796363903,"640"],[1796363904,"648"],[1796363905,"4"]]}
]}})";

const char* const kFrer = R"({"status":"success","data":{"resultType":"vector","result":[
  {"metric":{"__name__":"takt_frer_generated_frames_total","bridge":"sw1","stream":"safety-io"},"value":[1796363950.1,"3750"]},
  {"metric":{"__name__":"takt_frer_recovery_frames_total","bridge":"sw2","result":"discarded","stream":"safety-io"},"value":[1796363950.1,"2330"]},
  {"metric":{"__name__":"takt_frer_recovery_frames_total","bridge":"sw2","result":"lost","stream":"safety-io"},"value":[1796363950.1,"0"]},
  {"metric":{"__name__":"takt_frer_recovery_frames_total","bridge":"sw2","result":"out-of-order","stream":"safety-io"},"value":[1796363950.1,"0"]},
  {"metric":{"__name__":"takt_frer_recovery_frames_total","bridge":"sw2","result":"passed","stream":"safety-io"},"value":[1796363950.1,"3750"]},
  {"metric":{"__name__":"takt_frer_recovery_frames_total","bridge":"sw2","result":"rogue","stream":"safety-io"},"value":[1796363950.1,"11"]},
  {"metric":{"__name__":"takt_frer_recovery_frames_total","bridge":"sw2","result":"tagless","stream":"safety-io"},"value":[1796363950.1,"0"]}
]}})";

PlannedStream planned(std::string name, std::vector<std::string> path, bool redundant) {
  PlannedStream p;
  p.name = std::move(name);
  p.traffic_class = "scheduled";
  p.talker = "edge-server";
  p.listeners = {"robot"};
  p.max_latency_ns = 4'000'000;
  p.path_nodes = std::move(path);
  p.redundant = redundant;
  return p;
}

SendWindow window() {
  SendWindow w;
  w.first_ns = kT0;
  w.until_ns = kT0 + 5 * kSecond;
  return w;
}

}  // namespace

TEST_CASE("a range answer gives every scrape of each series", "[cell_report]") {
  const auto samples = answer(kPsfp);
  REQUIRE(samples.size() == 4);
  REQUIRE(samples[0].points.size() == 6);
  CHECK(samples[0].points[2].unix_ms == 1'796'363'902'000);
  CHECK(samples[0].points[2].number() == 2);
  CHECK(samples[0].value == "3");  // the last scrape
  CHECK(samples[0].label("stream") == "robot-io");
}

TEST_CASE("filter discards are the intervals in which a counter grew, in TAI", "[cell_report]") {
  const auto discards = filter_discards(answer(kPsfp));
  // Sorted by bridge, stream, port, reason; the series that never grew are left out.
  REQUIRE(discards.size() == 3);
  CHECK(discards[0].stream == "*");
  CHECK(discards[0].port == "p6");
  CHECK(discards[0].total() == 6000);
  REQUIRE(discards[1].stream == "robot-io");
  REQUIRE(discards[1].growth.size() == 2);
  CHECK(discards[1].growth[0].from_ns == kT0 + kSecond);
  CHECK(discards[1].growth[0].until_ns == kT0 + 2 * kSecond);
  CHECK(discards[1].growth[0].frames == 2);
  CHECK(discards[1].growth[1].frames == 1);
  // sw3 restarted between the last two scrapes: its counter started again from 0.
  REQUIRE(discards[2].stream == "safety-io");
  CHECK(discards[2].total() == 640 + 8 + 4);
  CHECK(scrape_gap_ns(answer(kPsfp)) == kSecond);
}

TEST_CASE("the wildcard filters' discards are summed per bridge, port and reason", "[cell_report]") {
  const auto wild = wildcard_discards(filter_discards(answer(kPsfp)));
  REQUIRE(wild.size() == 1);
  CHECK(wild[0].bridge == "sw1");
  CHECK(wild[0].port == "p6");
  CHECK(wild[0].reason == "stream-gate-closed");
  CHECK(wild[0].frames == 6000);
}

TEST_CASE("a stream's discards in a host stall of its path are put down to the host", "[cell_report]") {
  const auto discards = filter_discards(answer(kPsfp));
  StallsByNode stalls;
  // sw1 stalled 20 ms in the second second; nothing stalled in the fifth.
  stalls.add(HostStall{"sw1", "packet-loop", kT0 + 1'500'000'000, kT0 + 1'520'000'000, 19'500'000});
  const auto psfp =
      stream_psfp(discards, stalls, {}, planned("robot-io", {"edge-server", "sw1", "sw2"}, false), window(), kSecond);
  CHECK(psfp.dropped == 3);
  CHECK(psfp.in_host_stalls == 2);
  CHECK(psfp.in_faults == 0);
  CHECK(psfp.unexplained() == 1);
  REQUIRE(psfp.where.size() == 1);
  CHECK(psfp.where[0] == "sw1:p1 flow-meter-red 3 (2 in host stalls)");
  // A stall widens to a scrape gap either side and the max-latency before: 2.004 s of 5.
  REQUIRE(psfp.stall_chance);
  CHECK(*psfp.stall_chance == Approx((2 * kSecond + 20'000'000 + 4'000'000) / (5.0 * kSecond)));
}

TEST_CASE("a stall of a node off the stream's path explains none of its discards", "[cell_report]") {
  StallsByNode stalls;
  stalls.add(HostStall{"camera", "talker", kT0 + 1'500'000'000, kT0 + 1'520'000'000, 19'500'000});
  const auto psfp = stream_psfp(filter_discards(answer(kPsfp)), stalls, {},
                                planned("robot-io", {"edge-server", "sw1", "sw2"}, false), window(), kSecond);
  CHECK(psfp.in_host_stalls == 0);
  CHECK(psfp.unexplained() == 3);
  CHECK(*psfp.stall_chance == 0);
}

TEST_CASE("discards during an injected fault and the settling after it are the fault's", "[cell_report]") {
  // The link cut ended 1.9 s in: sw3's burst of held-back copies came with the next scrapes, in the
  // settling (a second and a scrape gap, to 3.9 s) after it.
  const std::vector<InjectedFault> faults{{"link-cut", "sw1:p5 - sw3:p1", kT0, kT0 + 1'900'000'000}};
  StallsByNode stalls;
  stalls.add(HostStall{"sw3", "packet-loop", kT0 + 4'200'000'000, kT0 + 4'210'000'000, 9'500'000});
  const auto psfp = stream_psfp(filter_discards(answer(kPsfp)), stalls, faults,
                                planned("safety-io", {"edge-server", "sw1", "sw2", "sw3"}, true), window(), kSecond);
  CHECK(psfp.dropped == 652);
  CHECK(psfp.in_faults == 648);     // grew in (2, 3] and (3, 4]
  CHECK(psfp.in_host_stalls == 4);  // grew in (4, 5], after the settling: sw3's stall
  CHECK(psfp.unexplained() == 0);
  CHECK(psfp.where[0] == "sw3:p1 flow-meter-red 652 (648 in faults, 4 in host stalls)");
}

TEST_CASE("the fault log is read in TAI and a run without faults has none", "[cell_report]") {
  const auto file = scratch_file(
      "faults.jsonl",
      R"({"fault":"link-cut","what":"sw1:p5 - sw3:p1","start-unix-ns":1796363931623333600,"end-unix-ns":1796363941623333600})"
      "\n"
      R"({"fault":"babbler","what":"sw1:p6","start-unix-ns":1796363933735310300,"end-unix-ns":1796363936776096300})"
      "\n");
  const auto faults = read_fault_log(file);
  std::filesystem::remove(file);
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].fault == "link-cut");
  CHECK(faults[0].what == "sw1:p5 - sw3:p1");
  CHECK(faults[0].start_ns == 1796363931623333600 + kTaiMinusUnixNs);
  CHECK(faults[1].end_ns - faults[1].start_ns == 3'040'786'000);
  CHECK(read_fault_log(file).empty());
}

TEST_CASE("FRER counts by stream: generation, recovery and the frames one tree delivered", "[cell_report]") {
  const auto frer = frer_counts(answer(kFrer));
  REQUIRE(frer.count("safety-io") == 1);
  const auto& c = frer.at("safety-io");
  CHECK(c.generating == std::vector<std::string>{"sw1"});
  CHECK(c.recovering == std::vector<std::string>{"sw2"});
  CHECK(c.generated == 3750);
  CHECK(c.passed == 3750);
  CHECK(c.eliminated == 2330);
  CHECK(c.one_copy() == 1420);
  CHECK(c.lost == 0);
  CHECK(c.rogue == 11);
}

namespace {

StreamResult protected_stream() {
  StreamResult s;
  s.stream = std::string("safety-io");
  s.traffic_class = std::string("scheduled");
  s.sent = 3750;
  s.received = 3750;
  s.late = 0;
  s.on_time_ratio = 1.0;
  s.prometheus_p99_s = 0.0034;
  s.prometheus_on_time_ratio = 1.0;
  s.stall_chance = 0.2;
  s.redundant = true;
  s.psfp = StreamPsfp{};
  return s;
}

}  // namespace

TEST_CASE("a redundant stream whose copies the filters dropped in a fault passes", "[cell_report]") {
  auto s = protected_stream();
  s.psfp->dropped = 649;
  s.psfp->in_faults = 648;
  s.psfp->in_host_stalls = 1;
  CHECK(stream_failures(s, {}).empty());
}

TEST_CASE("a discard no fault and no stall explains fails the stream", "[cell_report]") {
  auto s = protected_stream();
  s.psfp->dropped = 5;
  s.psfp->in_faults = 3;
  const auto failures = stream_failures(s, {});
  REQUIRE(failures.size() == 1);
  CHECK(failures[0] ==
        "2 of its frames were discarded by 802.1Qci stream filters outside any injected fault and any host stall of "
        "its path");
}

TEST_CASE("a redundant stream that lost a frame or delivered a duplicate fails", "[cell_report]") {
  auto s = protected_stream();
  s.lost = 1;
  s.received = 3749;
  s.duplicated = 2;
  const auto failures = stream_failures(s, {});
  REQUIRE(failures.size() == 2);
  CHECK(failures[0] == "1 of 3750 frames lost");
  CHECK(failures[1] == "2 frames reached the listener twice (802.1CB recovery let a second copy through)");

  // A best-effort redundant stream has no loss tolerance either.
  auto be = protected_stream();
  be.traffic_class = std::string("best-effort");
  be.lost = 3;
  REQUIRE(stream_failures(be, {}).size() == 1);
  CHECK(stream_failures(be, {})[0] == "redundant, yet 3 of 3750 frames lost");
}

TEST_CASE("a loss its stream filters discarded in host stalls is not held against the stream", "[cell_report]") {
  auto s = protected_stream();
  s.redundant = false;
  s.lost = 2;
  s.lost_in_host_stalls = 2;
  s.psfp->dropped = 2;
  s.psfp->in_host_stalls = 2;
  CHECK(stream_failures(s, {}).empty());
  s.lost = 3;
  const auto failures = stream_failures(s, {});
  REQUIRE(failures.size() == 1);
  CHECK(failures[0] == "1 of 3750 frames lost (2 more discarded by its stream filters in host stalls)");

  ListenedStream l;
  l.stream = std::string("robot-io");
  l.received = 998;
  l.lost = 2;
  l.deadline_misses = 0;
  l.probe_verdict = std::string("LOSS");
  CHECK(stream_verdict(l, 0, 2) == "ok, host stalls");
  CHECK(stream_verdict(l, 0, 1) == "LOSS");
}
