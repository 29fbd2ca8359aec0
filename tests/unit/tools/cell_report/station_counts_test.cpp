// takt-station's counters in the report: a Prometheus answer to CellQueries::kStation as the
// virtual cell saves it, and the recorded run with takt-station's counts beside takt-probe's
// (equal but for the ones a test makes differ).

#include <catch2/catch.hpp>

#include "tools/cell_report/cell_analysis.hpp"
#include "tools/cell_report/result_json.hpp"
#include "tools/cell_report/station_counts.hpp"
#include "tools/cell_report/table_renderer.hpp"
#include "tests/unit/tools/cell_report/scratch_file.hpp"

using namespace takt::cell_report;
using takt::cell_report::test::scratch_file;

namespace {

const std::filesystem::path kRun = std::filesystem::path(CELL_REPORT_DATA) / "recorded-run";

std::vector<PromSample> answer(const std::string& json) {
  const auto file = scratch_file("station-answer.json", json);
  auto samples = read_prometheus_answer(file);
  std::filesystem::remove(file);
  return samples;
}

// sum by (__name__, station, stream, window) (...) as Prometheus answers it.
const char* const kStationAnswer = R"({"status":"success","data":{"resultType":"vector","result":[
  {"metric":{"__name__":"takt_station_frames_sent_total","station":"robot","stream":"robot-status"},"value":[1796364156.5,"1250"]},
  {"metric":{"__name__":"takt_station_policed_frames_total","station":"robot","stream":"robot-status"},"value":[1796364156.5,"0"]},
  {"metric":{"__name__":"takt_station_departures_total","station":"robot","stream":"robot-status","window":"in"},"value":[1796364156.5,"1248"]},
  {"metric":{"__name__":"takt_station_departures_total","station":"robot","stream":"robot-status","window":"outside"},"value":[1796364156.5,"2"]},
  {"metric":{"__name__":"takt_station_frames_sent_total","station":"robot","stream":"robot-alarm"},"value":[1796364156.5,"997"]},
  {"metric":{"__name__":"takt_station_policed_frames_total","station":"robot","stream":"robot-alarm"},"value":[1796364156.5,"3"]},
  {"metric":{"__name__":"takt_station_frames_received_total","station":"robot","stream":"robot-io"},"value":[1796364156.5,"1250"]},
  {"metric":{"__name__":"takt_station_arrivals_total","station":"robot","stream":"robot-io","window":"early"},"value":[1796364156.5,"1"]},
  {"metric":{"__name__":"takt_station_arrivals_total","station":"robot","stream":"robot-io","window":"in"},"value":[1796364156.5,"1244"]},
  {"metric":{"__name__":"takt_station_arrivals_total","station":"robot","stream":"robot-io","window":"late"},"value":[1796364156.5,"5"]},
  {"metric":{"__name__":"takt_station_sequence_gaps_total","station":"robot","stream":"robot-io"},"value":[1796364156.5,"2"]},
  {"metric":{"__name__":"takt_station_out_of_order_total","station":"robot","stream":"robot-io"},"value":[1796364156.5,"1"]},
  {"metric":{"__name__":"takt_station_deadline_misses_total","station":"robot","stream":"robot-io"},"value":[1796364156.5,"5"]},
  {"metric":{"__name__":"takt_station_frames_received_total","station":"edge-server","stream":"robot-alarm"},"value":[1796364156.5,"997"]},
  {"metric":{"__name__":"takt_station_frames_received_total","stream":"robot-io"},"value":[1796364156.5,"7"]},
  {"metric":{"__name__":"takt_station_bytes_received_total","station":"camera","stream":"robot-io"},"value":[1796364156.5,"7"]}
]}})";

// takt-station's counts for the recorded run: every frame takt-probe sent passed its talker's
// takt-station, every frame a listener received its takt-station counted.
std::vector<PromSample> agreeing_counts(const RunInputs& in) {
  std::vector<PromSample> out;
  const auto sample = [&](const char* name, const std::string& station, const std::string& stream,
                          std::uint64_t value) {
    out.push_back({{{"__name__", name}, {"station", station}, {"stream", stream}}, std::to_string(value), {}});
  };
  for (const auto& t : in.probes.talked) {
    sample("takt_station_frames_sent_total", t.talker, t.stream, t.sent);
    sample("takt_station_policed_frames_total", t.talker, t.stream, 0);
  }
  for (const auto& l : in.probes.listened)
    sample("takt_station_frames_received_total", l.listener, l.stream, l.received + l.duplicated);
  return out;
}

void set_count(std::vector<PromSample>& samples, const std::string& name, const std::string& station,
               const std::string& stream, std::uint64_t value) {
  for (auto& s : samples)
    if (s.label("__name__") == name && s.label("station") == station && s.label("stream") == stream)
      s.value = std::to_string(value);
}

const StreamResult& row(const CellResult& r, const std::string& stream) {
  for (const auto& s : r.streams)
    if (s.stream == stream) return s;
  FAIL("no row for " << stream);
  return r.streams.front();
}

}  // namespace

TEST_CASE("takt-station's counters per station and stream from a saved answer", "[cell_report]") {
  const auto counts = station_counts(answer(kStationAnswer));
  CHECK(counts.stations == std::vector<std::string>{"edge-server", "robot"});  // the unlabelled series is left out
  REQUIRE(counts.talks.size() == 2);
  REQUIRE(counts.listens.size() == 2);

  const auto* status = counts.talk("robot", "robot-status");
  REQUIRE(status);
  CHECK(status->passed == 1250);
  CHECK(status->policed == 0);
  CHECK(status->departures_in_window == 1248u);
  CHECK(status->departures_outside_window == 2u);
  const auto* alarm = counts.talk("robot", "robot-alarm");
  REQUIRE(alarm);
  CHECK(alarm->policed == 3);
  CHECK_FALSE(alarm->departures_in_window);  // bounded: no planned offset to leave against

  const auto* io = counts.listen("robot", "robot-io");
  REQUIRE(io);
  CHECK(io->received == 1250);
  CHECK(io->arrivals_early == 1u);
  CHECK(io->arrivals_in_window == 1244u);
  CHECK(io->arrivals_late == 5u);
  CHECK(io->sequence_gaps == 2);
  CHECK(io->out_of_order == 1);
  CHECK(io->deadline_misses == 5);
  CHECK_FALSE(counts.listen("edge-server", "robot-alarm")->arrivals_in_window);
  CHECK(counts.listen("robot", "robot-alarm") == nullptr);  // robot talks it, edge-server listens
  CHECK(counts.listen("camera", "robot-io") == nullptr);    // bytes are not frames
}

TEST_CASE("the report sets takt-station's counts beside takt-probe's, and names each one that differs",
          "[cell_report]") {
  auto in = read_run_inputs(kRun / "plan.json", kRun);
  auto counts = agreeing_counts(in);
  set_count(counts, "takt_station_frames_received_total", "robot", "robot-io", 1249);  // one frame the probe had
  set_count(counts, "takt_station_frames_sent_total", "robot", "robot-alarm", 997);
  set_count(counts, "takt_station_policed_frames_total", "robot", "robot-alarm", 3);
  set_count(counts, "takt_station_frames_sent_total", "camera", "camera-images", 39990);  // ten frames never seen
  in.prometheus.set(CellQueries::kStation, counts);
  const auto result = analyse(in);

  CHECK(result.station_nodes == std::vector<std::string>{"camera", "drive-x", "drive-y", "edge-server", "robot"});
  const auto& setpoint = row(result, "setpoint-x");
  REQUIRE(setpoint.station_talker);
  REQUIRE(setpoint.station_listener);
  CHECK(setpoint.station_talker->station == "edge-server");
  CHECK(setpoint.station_listener->station == "drive-x");
  CHECK(setpoint.station_listener->received == 2500);
  CHECK(setpoint.station_listener_agrees() == true);
  CHECK(setpoint.station_talker_agrees() == true);
  CHECK(row(result, "robot-io").station_listener_agrees() == false);
  CHECK(row(result, "robot-alarm").station_talker_agrees() == true);  // 997 passed + 3 policed = 1000 sent
  CHECK(row(result, "camera-images").station_talker_agrees() == false);
  CHECK(result.pass);  // the two observers' disagreement is a finding, not a stream's failure

  const auto text = render_stations(result);
  INFO(text);
  CHECK(text.find("takt_station_* of camera, drive-x, drive-y, edge-server, robot):\n") != std::string::npos);
  CHECK(text.find("    setpoint-x     edge-server  2500   2500    0        -                    drive-x      2500      "
                  "2500     -                      0\n") != std::string::npos);
  CHECK(text.find("    robot-alarm    robot        1000   997     3        -                    edge-server  1000      "
                  "1000     -                      0\n") != std::string::npos);
  CHECK(text.find("    MISMATCH: robot-io at robot: takt-probe received 1250, takt-station counted 1249\n") !=
        std::string::npos);
  CHECK(text.find("    MISMATCH: camera-images at camera: takt-probe sent 40000, takt-station passed 39990 and "
                  "policed 0\n") != std::string::npos);
  CHECK(text.find("takt-station's counts are takt-probe's") == std::string::npos);
  CHECK(text.find("    FRAMES POLICED AT THE SOURCE (an application beyond its TSpec): robot-alarm 3 at robot\n") !=
        std::string::npos);
  CHECK(render_report(result, CellQueries(in.plan), {10, "Prometheus"}).find(text) != std::string::npos);

  const auto json = result_json(result);
  CHECK(json["takt-station"]["stations"].size() == 5);
  const auto& io = json["streams"][4];
  REQUIRE(io["stream"] == "robot-io");
  CHECK(io["station"]["listener"]["received"] == 1249);
  CHECK(io["station"]["listener"]["probe-received"] == 1250);
  CHECK(io["station"]["listener"]["agrees"] == false);
  CHECK(io["station"]["listener"]["arrivals"].is_null());
  CHECK(io["station"]["talker"]["station"] == "edge-server");
  CHECK(io["station"]["talker"]["agrees"] == true);
  CHECK(json["streams"][6]["station"]["talker"]["policed"] == 3);
}

TEST_CASE("counts that agree say so, and a babbler is no end station's", "[cell_report]") {
  auto in = read_run_inputs(kRun / "plan.json", kRun);
  in.prometheus.set(CellQueries::kStation, agreeing_counts(in));
  auto result = analyse(in);
  result.faults.push_back({"babbler", "sw1:p6", 0, 1});
  const auto text = render_stations(result);
  INFO(text);
  CHECK(text.find("MISMATCH") == std::string::npos);
  CHECK(text.find("    takt-station's counts are takt-probe's: every frame sent passed it, every frame received it "
                  "counted\n") != std::string::npos);
  CHECK(text.find("    frames policed at the source: none (the babbler on sw1:p6 is a rogue device, not an end "
                  "station: the bridges' filters stop it)\n") != std::string::npos);
}

TEST_CASE("without takt-station the report has no section of it and the result says none", "[cell_report]") {
  const auto in = read_run_inputs(kRun / "plan.json", kRun);
  const auto result = analyse(in);
  CHECK(result.station_nodes.empty());
  CHECK(render_stations(result).empty());
  const auto json = result_json(result);
  CHECK(json["takt-station"]["stations"].empty());
  for (const auto& s : json["streams"]) CHECK(s["station"].is_null());
}
