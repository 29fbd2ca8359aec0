// takt-station/1 files cut out of plans: talker offsets and windows as the talker-offset files
// have them, token buckets as the bridges' flow meters police, arrival windows as a stream gate
// at the listener's port would open, IP identification from the plant.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/export/station_config.hpp"
#include "control/export/stream_protection.hpp"
#include "control/export/talker_offsets.hpp"
#include "control/model/loader.hpp"
#include "control/model/name_rule.hpp"
#include "control/schedule/planner.hpp"
#include "sample_plan.hpp"

using namespace takt;

namespace {

struct Planned {
  model::Plant plant;
  schedule::Plan plan;
};

Planned plan_file(const std::string& path) {
  auto loaded = model::load_plant_file(path);
  for (const auto& d : loaded.diagnostics) INFO(d.str());
  REQUIRE(loaded.plant);
  auto outcome = schedule::plan_plant(*loaded.plant);
  REQUIRE(outcome.plan);
  return {std::move(*loaded.plant), std::move(*outcome.plan)};
}

const Planned& virtual_cell() {
  static const Planned p = plan_file(std::string(TAKT_SOURCE_ROOT) + "/configs/plants/virtual-cell.yaml");
  return p;
}

const Planned& station_cell() {
  static const Planned p = plan_file(std::string(TAKT_EXPORT_TEST_DATA) + "/station-cell.yaml");
  return p;
}

const station::TalkerStream& talk(const station::StationConfig& c, const std::string& name) {
  for (const auto& t : c.talks)
    if (t.name == name) return t;
  FAIL("no talk " << name);
  throw;
}

const station::ListenerStream& listen(const station::StationConfig& c, const std::string& name) {
  for (const auto& l : c.listens)
    if (l.name == name) return l;
  FAIL("no listen " << name);
  throw;
}

// The hop that delivers a stream to a listener.
const schedule::Hop& last_hop(const schedule::StreamPlan& s, const std::string& listener) {
  for (const auto& h : s.hops)
    if (h.ingress.node == listener) return h;
  FAIL("no hop into " << listener);
  throw;
}

}  // namespace

TEST_CASE("the names takt-station takes are the plant's names", "[export][station]") {
  STATIC_REQUIRE(station::kMaxNameLength == model::max_name_length);
}

TEST_CASE("every end station with a stream gets a station file, in plant order", "[export][station]") {
  const auto& vc = virtual_cell();
  // The laptop declares no stream.
  CHECK(exporter::stations_with_streams(vc.plan, vc.plant) ==
        std::vector<std::string>{"edge-server", "robot", "drive-x", "drive-y", "camera"});
  const auto& sc = station_cell();
  CHECK(exporter::stations_with_streams(sc.plan, sc.plant) == std::vector<std::string>{"plc", "drive", "hmi"});
  CHECK_THROWS_WITH(exporter::station_config(vc.plan, vc.plant, "sw1"),
                    "sw1 is not an end station of plant virtual-cell");
}

TEST_CASE("virtual cell: the robot talks robot-status at its planned offset, shaped as bridges police it",
          "[export][station]") {
  const auto& [plant, plan] = virtual_cell();
  const station::StationConfig c = exporter::station_config(plan, plant, "robot");
  CHECK(c.plant == "virtual-cell");
  CHECK(c.station == "robot");
  CHECK(c.sync_error_budget == Nanos{100'000});
  REQUIRE(c.talks.size() == 2);
  REQUIRE(c.listens.size() == 2);

  const schedule::StreamPlan& planned = *plan.find_stream("robot-status");
  const auto& t = talk(c, "robot-status");
  CHECK(t.kind == station::StreamKind::scheduled);
  CHECK(t.interval == Nanos{8'000'000});
  CHECK(t.frames_per_interval == 1);
  // 512 B of MAC client data + 14 B header + 4 B VLAN tag, no FCS.
  CHECK(t.max_frame_bytes == 530);
  CHECK(t.destination.to_string() == planned.destination_mac);
  CHECK(t.vlan == 100);
  CHECK(t.pcp == 6);
  CHECK(t.max_latency == Nanos{4'000'000});
  CHECK_FALSE(t.ip);
  // The plan's talker offset, and the talker-offset file's window: one 530 B frame (4432 ns on
  // the wire at 1 Gbit/s) plus end-station-vm's 500 us transmission timing error.
  REQUIRE(t.offset);
  CHECK(*t.offset == planned.talker_offset);
  CHECK(*t.offset == Nanos{601'391});
  CHECK(t.window == exporter::talker_window(planned));
  CHECK(t.window == Nanos{504'432});
  // 530 B every 8 ms is 530 kbit/s; the cell's burst-tolerance 8 lets 9 intervals' frames through.
  CHECK(t.committed_information_rate_bps == 530'000);
  CHECK(t.committed_burst_bytes == 9 * 530);
  CHECK(t.listeners == std::vector<std::string>{"edge-server"});

  // Bounded: no planned window, the same token bucket rule.
  const auto& alarm = talk(c, "robot-alarm");
  CHECK(alarm.kind == station::StreamKind::bounded);
  CHECK_FALSE(alarm.offset);
  CHECK(alarm.window == Nanos{0});
  CHECK(alarm.max_frame_bytes == 318);
  CHECK(alarm.committed_information_rate_bps == 254'400);  // 318 B every 10 ms
  CHECK(alarm.committed_burst_bytes == 9 * 318);
}

TEST_CASE("virtual cell: the edge server expects robot-status in the window the plan has it arrive",
          "[export][station]") {
  const auto& [plant, plan] = virtual_cell();
  const station::StationConfig c = exporter::station_config(plan, plant, "edge-server");
  const schedule::StreamPlan& planned = *plan.find_stream("robot-status");
  const auto& l = listen(c, "robot-status");
  CHECK(l.talker == "robot");
  CHECK(l.kind == station::StreamKind::scheduled);
  CHECK(l.max_frame_bytes == 530);
  REQUIRE(l.arrival_offset);

  // robot -> sw2 -> sw1 -> edge-server. sw1's window into the edge server opens at 2810455 ns
  // and lasts 504432 ns, 25 ns of cable: the frame's last bit is in by 3314912 ns, plus the
  // 100 us sync budget. sw1 may forward the frame as soon as it has it (its gate is already
  // open), so the earliest arrival is sw2's window start 1705873 + 4432 ns on the wire + 150 ns
  // of cable, less the sync budget.
  const schedule::Hop& hop = last_hop(planned, "edge-server");
  REQUIRE(hop.may_leave_early);
  const schedule::Hop& up = planned.hops[static_cast<std::size_t>(hop.upstream.front())];
  CHECK(hop.offset == Nanos{2'810'455});
  CHECK(up.offset == Nanos{1'705'873});
  CHECK(*l.arrival_offset == up.offset + up.frame_wire_time + up.propagation - plan.sync_error_budget);
  CHECK(*l.arrival_offset == Nanos{1'610'455});
  CHECK(*l.arrival_offset + l.arrival_window == hop.offset + hop.length + hop.propagation + plan.sync_error_budget);
  CHECK(l.arrival_window == Nanos{1'804'457});

  // Inside the interval, and it holds the planned arrival: last-hop offset + propagation.
  CHECK(*l.arrival_offset >= Nanos{0});
  CHECK(*l.arrival_offset + l.arrival_window <= l.interval);
  const Nanos planned_arrival = hop.offset + hop.propagation;
  CHECK(*l.arrival_offset <= planned_arrival);
  CHECK(planned_arrival + hop.length <= *l.arrival_offset + l.arrival_window);

  // Bounded and best-effort streams have no arrival window.
  for (const char* name : {"robot-alarm", "camera-images"}) {
    INFO(name);
    CHECK_FALSE(listen(c, name).arrival_offset);
    CHECK(listen(c, name).arrival_window == Nanos{0});
  }
  CHECK(listen(c, "camera-images").frames_per_interval == 40);
}

TEST_CASE("arrival windows are what a stream gate at the listener's port would open", "[export][station]") {
  const auto& [plant, plan] = virtual_cell();
  // Every scheduled stream at every listener: the union of exporter::arrival_window over the hops
  // into it, taken modulo the interval.
  for (const auto& name : exporter::stations_with_streams(plan, plant)) {
    const station::StationConfig c = exporter::station_config(plan, plant, name);
    for (const auto& l : c.listens) {
      INFO(name << " listens to " << l.name);
      const schedule::StreamPlan& s = *plan.find_stream(l.name);
      if (!s.timed) continue;
      const exporter::ArrivalWindow a = exporter::arrival_window(s, last_hop(s, name), plan.sync_error_budget);
      REQUIRE(l.arrival_offset);
      CHECK(*l.arrival_offset == ((a.from % s.interval) + s.interval) % s.interval);
      CHECK(l.arrival_window == a.until - a.from);
      CHECK(*l.arrival_offset < l.interval);
      CHECK(l.arrival_window <= l.interval);
    }
  }
}

TEST_CASE("an arrival window is written modulo the interval, wrapping or whole", "[export][station]") {
  const model::Plant plant = test::sample_plant();
  schedule::Plan plan = test::sample_plan();
  schedule::Hop& hop = plan.streams[0].hops[1];  // sw1:p2 -> listener, 50 ns of cable, 672 ns long

  auto arrival = [&] {
    const auto l = exporter::station_config(plan, plant, "listener").listens.at(0);
    REQUIRE(l.arrival_offset);
    return std::pair{l.arrival_offset->count(), l.arrival_window.count()};
  };
  // 8000 + 50 - 1000 sync budget; 672 + 2 x 1000 long.
  CHECK(arrival() == std::pair<std::int64_t, std::int64_t>{7'050, 2'672});
  hop.offset = Nanos{249'000};  // runs past the interval's end: the window wraps
  CHECK(arrival() == std::pair<std::int64_t, std::int64_t>{248'050, 2'672});
  hop.offset = Nanos{251'000};  // still in flight as the next interval begins
  CHECK(arrival() == std::pair<std::int64_t, std::int64_t>{50, 2'672});
  hop.offset = Nanos{500};  // starts before the interval: from -450
  CHECK(arrival() == std::pair<std::int64_t, std::int64_t>{249'550, 2'672});
  plan.sync_error_budget = Nanos{125'000};  // any time of the interval
  CHECK(arrival() == std::pair<std::int64_t, std::int64_t>{0, 250'000});
}

TEST_CASE("station cell: IP stream identification reaches both ends of the stream", "[export][station]") {
  const auto& [plant, plan] = station_cell();
  const station::StationConfig plc = exporter::station_config(plan, plant, "plc");
  const station::StationConfig drive = exporter::station_config(plan, plant, "drive");
  const station::StationConfig hmi = exporter::station_config(plan, plant, "hmi");

  station::IpIdentification pubsub;
  pubsub.destination = IpAddress::v4(10, 0, 0, 2);
  pubsub.source = IpAddress::v4(10, 0, 0, 1);
  pubsub.protocol = kIpProtoUdp;
  pubsub.source_port = 50'000;
  pubsub.destination_port = 4840;
  pubsub.dscp = 46;
  CHECK(talk(plc, "pubsub").ip == pubsub);
  CHECK(listen(drive, "pubsub").ip == pubsub);

  station::IpIdentification alarm;
  alarm.destination = IpAddress{{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};
  alarm.protocol = kIpProtoTcp;
  alarm.destination_port = 102;
  CHECK(talk(plc, "plc-alarm").ip == alarm);
  CHECK(listen(hmi, "plc-alarm").ip == alarm);
  CHECK_FALSE(talk(drive, "drive-status").ip);

  const auto j = station::to_json(plc);
  CHECK(j["talks"][0]["ip"].dump() ==
        R"({"destination":"10.0.0.2","source":"10.0.0.1","protocol":"udp","source-port":50000,)"
        R"("destination-port":4840,"dscp":46})");
  CHECK(j["talks"][1]["ip"].dump() == R"({"destination":"fd00::3","protocol":"tcp","destination-port":102})");

  // 218 B every 1 ms; the default burst tolerance 1 lets two intervals' frames through.
  const auto& t = talk(plc, "pubsub");
  CHECK(t.max_frame_bytes == 218);
  CHECK(t.committed_information_rate_bps == 1'744'000);
  CHECK(t.committed_burst_bytes == 436);
  // drive -> sw1 -> plc: the drive's window starts at 0 and is 848 ns long, 100 ns of cable, so
  // sw1 may forward from 948 ns less the 1 us sync budget: the window starts 52 ns before the
  // interval, i.e. at 1999948 ns of the previous one.
  const auto& status = listen(plc, "drive-status");
  REQUIRE(status.arrival_offset);
  CHECK(*status.arrival_offset == Nanos{2'000'000 - 52});
  CHECK(*status.arrival_offset + status.arrival_window > status.interval);  // wraps into the next
}

TEST_CASE("every exported station file reads back as written", "[export][station]") {
  for (const Planned* p : {&virtual_cell(), &station_cell()}) {
    for (const auto& name : exporter::stations_with_streams(p->plan, p->plant)) {
      INFO(name);
      const station::StationConfig c = exporter::station_config(p->plan, p->plant, name);
      CHECK(station::station_config_from_json(nlohmann::json::parse(station::to_json(c).dump())) == c);
    }
  }
}
