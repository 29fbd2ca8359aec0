// Cutting one bridge's configuration out of a plan: ports and their gates, static FDB entries
// for every stream crossing the bridge, stream entries with deadlines and traffic classes.
#include <catch2/catch.hpp>

#include "control/export/bridge_config.hpp"
#include "protocol/bridge_config_json.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

model::Plant three_station_plant() {
  model::Plant p;
  p.name = "cell";
  for (const char* h : {"h1", "h2", "h3"})
    p.nodes.push_back({h, model::NodeKind::end_station, "end-station", {"eth0"}, "", {}});
  p.nodes.push_back({"sw", model::NodeKind::bridge, "takt-dataplane", {"p1", "p2", "p3", "p4"}, "", {}});
  p.links.push_back({{"h1", "eth0"}, {"sw", "p1"}, 1'000'000'000, Nanos{50}, {}});
  p.links.push_back({{"h2", "eth0"}, {"sw", "p2"}, 1'000'000'000, Nanos{50}, {}});
  p.links.push_back({{"sw", "p3"}, {"h3", "eth0"}, 100'000'000, Nanos{50}, {}});
  model::Stream s2;
  s2.name = "alarms";
  s2.max_latency = 2ms;
  s2.traffic_class = model::TrafficClassKind::bounded;
  p.streams.push_back(s2);
  return p;
}

schedule::Hop hop(const char* from_node, const char* from_port, const char* to_node, const char* to_port, int tc) {
  schedule::Hop h;
  h.egress = {from_node, from_port};
  h.ingress = {to_node, to_port};
  h.traffic_class = tc;
  return h;
}

schedule::Plan plan_for(const model::Plant&) {
  schedule::Plan plan;
  plan.plant = "cell";
  plan.hyperperiod = 1ms;
  schedule::StreamPlan motion;
  motion.name = "motion";
  motion.vlan = 100;
  motion.pcp = 6;
  motion.destination_mac = "02:00:00:00:00:02";
  motion.timed = true;
  motion.max_latency = 400us;
  motion.hops = {hop("h1", "eth0", "sw", "p1", 6), hop("sw", "p2", "h2", "eth0", 6)};
  plan.streams.push_back(motion);

  schedule::StreamPlan alarms;
  alarms.name = "alarms";
  alarms.traffic_class = model::TrafficClassKind::bounded;
  alarms.vlan = 100;
  alarms.pcp = 4;
  alarms.destination_mac = "01:00:5e:00:00:01";
  alarms.hops = {hop("h1", "eth0", "sw", "p1", 4), hop("sw", "p2", "h2", "eth0", 4), hop("sw", "p3", "h3", "eth0", 4)};
  plan.streams.push_back(alarms);

  schedule::StreamPlan elsewhere;  // never reaches sw: no entry for it
  elsewhere.name = "local";
  elsewhere.destination_mac = "02:00:00:00:00:09";
  elsewhere.hops = {hop("h2", "eth0", "h9", "eth0", 0)};
  plan.streams.push_back(elsewhere);

  schedule::PortPlan p2;
  p2.port = {"sw", "p2"};
  p2.rate_bps = 1'000'000'000;
  p2.priority_to_tc = {1, 0, 2, 3, 4, 5, 6, 7};
  p2.scheduled_classes = 0x40;
  p2.cycle_time = 1ms;
  p2.gcl = {{0x40, 200us}, {0xBF, 800us}};
  plan.ports.push_back(p2);
  return plan;
}

}  // namespace

TEST_CASE("a bridge's configuration lists its linked ports with the plan's gates") {
  const auto plant = three_station_plant();
  const auto c = exporter::bridge_config(plan_for(plant), plant, "sw", tai_ns(5'000'000));
  CHECK(c.bridge == "sw");
  REQUIRE(c.ports.size() == 3);  // p4 has no link
  CHECK(c.ports[0].name == "p1");
  CHECK_FALSE(c.ports[0].gates.gate_enabled);
  CHECK(c.ports[2].name == "p3");
  CHECK(c.ports[2].link_rate_bps == 100'000'000);

  const auto& g = c.ports[1].gates;
  CHECK(g.gate_enabled);
  CHECK(g.config_change);
  CHECK(g.admin_cycle_time == bridge::RationalSeconds{1, 1000});
  CHECK(g.admin_base_time == bridge::PtpTime{0, 5'000'000});
  REQUIRE(g.admin_control_list.size() == 2);
  CHECK(g.admin_control_list[0] == bridge::GateControlEntry{0, bridge::kSetGateStates, 200'000, 0x40});
  CHECK(g.admin_control_list[1] == bridge::GateControlEntry{1, bridge::kSetGateStates, 800'000, 0xBF});
}

TEST_CASE("static FDB entries and stream entries cover every stream crossing the bridge") {
  const auto plant = three_station_plant();
  const auto c = exporter::bridge_config(plan_for(plant), plant, "sw");
  REQUIRE(c.static_fdb.size() == 2);
  CHECK(c.static_fdb[0].destination.to_string() == "02:00:00:00:00:02");
  CHECK(c.static_fdb[0].vlan == 100);
  CHECK(c.static_fdb[0].ports == std::vector<std::string>{"p2"});
  CHECK(c.static_fdb[1].destination.to_string() == "01:00:5e:00:00:01");
  CHECK(c.static_fdb[1].ports == std::vector<std::string>{"p2", "p3"});

  REQUIRE(c.streams.size() == 2);
  CHECK(c.streams[0].name == "motion");
  CHECK(c.streams[0].max_latency == 400us);
  CHECK(c.streams[0].traffic_class == 6);
  CHECK(c.streams[1].name == "alarms");
  CHECK(c.streams[1].max_latency == 2ms);  // not timed: the plant's deadline
  CHECK(c.streams[1].traffic_class == 4);

  // What the exporter writes is what the dataplane loads.
  CHECK(bridge::bridge_config_from_json(bridge::to_json(c)) == c);
}

TEST_CASE("the exporter refuses end stations and base times off the hyperperiod") {
  const auto plant = three_station_plant();
  const auto plan = plan_for(plant);
  CHECK_THROWS_WITH(exporter::bridge_config(plan, plant, "h1"), Catch::Contains("'h1' is not a bridge"));
  CHECK_THROWS_WITH(exporter::bridge_config(plan, plant, "sw", tai_ns(1'500'000)),
                    Catch::Contains("not a multiple of the plan's hyperperiod 1000000 ns"));
}
