// 802.1Qci and 802.1CB cut out of a plan: filters at every port a stream enters through, with
// its max SDU, its TSpec's meter and its planned arrival window as stream gate; wildcard filters
// closing scheduled priorities to unidentified frames; sequence generation where a redundant
// stream's trees split and recovery where they meet.
#include <catch2/catch.hpp>

#include <algorithm>

#include "control/export/bridge_config.hpp"
#include "control/export/active_topology.hpp"
#include "control/export/stream_protection.hpp"
#include "protocol/bridge_config_json.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {

// h1 - sw1 = (sw2 | sw3) = sw4 - h2: one ring, one redundant stream.
model::Plant ring() {
  model::Plant p;
  p.name = "ring";
  for (const char* h : {"h1", "h2"})
    p.nodes.push_back({h, model::NodeKind::end_station, "end-station", {"eth0"}, "", {}});
  for (const char* b : {"sw1", "sw2", "sw3", "sw4"})
    p.nodes.push_back({b, model::NodeKind::bridge, "none", {"p1", "p2", "p3"}, "", {}});
  auto link = [&p](const char* a, const char* ap, const char* b, const char* bp) {
    p.links.push_back({{a, ap}, {b, bp}, 1'000'000'000, Nanos{50}, {}});
  };
  link("h1", "eth0", "sw1", "p1");
  link("sw1", "p2", "sw2", "p1");
  link("sw1", "p3", "sw3", "p1");
  link("sw2", "p2", "sw4", "p1");
  link("sw3", "p2", "sw4", "p2");
  link("sw4", "p3", "h2", "eth0");
  return p;
}

schedule::Hop hop(const char* en, const char* ep, const char* in, const char* ip, Nanos offset, std::vector<int> up) {
  schedule::Hop h;
  h.egress = {en, ep};
  h.ingress = {in, ip};
  h.traffic_class = 6;
  h.offset = offset;
  h.length = 2us;
  h.frame_wire_time = 1us;
  h.propagation = Nanos{50};
  h.rate_bps = 1'000'000'000;
  h.upstream = std::move(up);
  return h;
}

schedule::Plan ring_plan(Nanos first_offset = 10us) {
  schedule::Plan plan;
  plan.plant = "ring";
  plan.hyperperiod = 1ms;
  plan.sync_error_budget = 1us;
  schedule::StreamPlan s;
  s.name = "motion";
  s.talker = "h1";
  s.listeners = {"h2"};
  s.vlan = 100;
  s.pcp = 6;
  s.destination_mac = "02:00:00:00:00:02";
  s.interval = 1ms;
  s.frames_per_interval = 1;
  s.frame_payload = 100;
  s.max_frame_size = 100;
  s.timed = true;
  s.max_latency = 500us;
  s.hops = {hop("h1", "eth0", "sw1", "p1", first_offset, {}), hop("sw1", "p2", "sw2", "p1", 20us, {0}),
            hop("sw1", "p3", "sw3", "p1", 20us, {0}),         hop("sw2", "p2", "sw4", "p1", 30us, {1}),
            hop("sw3", "p2", "sw4", "p2", 40us, {2}),         hop("sw4", "p3", "h2", "eth0", 50us, {3, 4})};
  s.trees = {{0, 1, 3, 5}, {0, 2, 4, 5}};
  plan.streams.push_back(s);
  return plan;
}

const bridge::StreamFilterEntry* filter(const bridge::BridgeConfig& c, const std::string& stream,
                                        const std::string& port) {
  for (const auto& f : c.protection.stream_filters)
    if (f.stream == stream && f.port == port) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("protection export: sequence numbers are generated where the trees split and recovered where they meet") {
  const model::Plant plant = ring();
  const schedule::Plan plan = ring_plan();
  const auto sw1 = exporter::bridge_config(plan, plant, "sw1");
  const auto sw2 = exporter::bridge_config(plan, plant, "sw2");
  const auto sw4 = exporter::bridge_config(plan, plant, "sw4");
  CHECK(sw1.protection.sequence_generation == std::vector<std::string>{"motion"});
  CHECK(sw1.protection.sequence_recovery.empty());
  CHECK(sw2.protection.sequence_generation.empty());
  CHECK(sw2.protection.sequence_recovery.empty());
  REQUIRE(sw4.protection.sequence_recovery.size() == 1);
  const auto& r = sw4.protection.sequence_recovery[0];
  CHECK(r.stream == "motion");
  CHECK(r.recovery.algorithm == RecoveryAlgorithm::vector);
  // The whole window: a burst of lost frames shorter than it does not make later frames rogue.
  CHECK(r.recovery.history_length == kMaxRecoveryHistory);
  CHECK(r.recovery.latent.enabled);
  CHECK(r.recovery.latent.paths == 2);

  // The R-TAG is on the wire between sw1 and sw4 only.
  const auto& s = plan.streams[0];
  CHECK_FALSE(exporter::carries_r_tag(s, 0, plant));
  for (int h : {1, 2, 3, 4}) CHECK(exporter::carries_r_tag(s, h, plant));
  CHECK_FALSE(exporter::carries_r_tag(s, 5, plant));
  REQUIRE(filter(sw1, "motion", "p1"));
  CHECK(filter(sw1, "motion", "p1")->max_sdu_size == 118);  // 14 + 4 + 100
  REQUIRE(filter(sw2, "motion", "p1"));
  CHECK(filter(sw2, "motion", "p1")->max_sdu_size == 124);  // with the R-TAG
  REQUIRE(filter(sw4, "motion", "p1"));
  REQUIRE(filter(sw4, "motion", "p2"));
  CHECK(filter(sw4, "motion", "p2")->max_sdu_size == 124);
  // Written and read back, the file still validates (stream names, ports, roles).
  CHECK(bridge::bridge_config_from_json(bridge::to_json(sw4)) == sw4);
}

TEST_CASE("protection export: the meter is the TSpec and the stream gate the planned arrival window") {
  const auto sw1 = exporter::bridge_config(ring_plan(), ring(), "sw1", tai_ns(1'000'000'000'000'000'000));
  const auto* f = filter(sw1, "motion", "p1");
  REQUIRE(f);
  CHECK(f->priority == std::optional<std::uint8_t>(6));
  REQUIRE(f->meter);
  CHECK(f->meter->committed_information_rate_bps == 944'000);  // 118 B per ms
  CHECK(f->meter->committed_burst_size_bytes == 236);          // one interval late: two bursts
  REQUIRE(f->gate);
  const GateControlList g = bridge::stream_gate_control_list(*f->gate);
  CHECK(g.base_time == tai_ns(1'000'000'000'000'000'000));
  CHECK(g.cycle_time == 1ms);
  // Window 10 us .. 12 us, 50 ns on the link, 1 us sync error either side.
  REQUIRE(g.entries.size() == 3);
  CHECK(g.entries[0].gate_states == 0);
  CHECK(g.entries[0].time_interval == Nanos{9'050});
  CHECK(g.entries[1].gate_states == 1);
  CHECK(g.entries[1].time_interval == Nanos{4'000});
  CHECK(g.entries[2].gate_states == 0);
  CHECK(g.entries[2].time_interval == 1ms - Nanos{13'050});
}

TEST_CASE("protection export: a window across the interval end opens the gate at the cycle start too") {
  const auto sw1 = exporter::bridge_config(ring_plan(999us), ring(), "sw1");
  const auto* f = filter(sw1, "motion", "p1");
  REQUIRE(f);
  REQUIRE(f->gate);
  const GateControlList g = bridge::stream_gate_control_list(*f->gate);
  // Open 998.05 us .. 1002.05 us: 2.05 us at the start, closed, open the last 1.95 us.
  REQUIRE(g.entries.size() == 3);
  CHECK(g.entries[0].gate_states == 1);
  CHECK(g.entries[0].time_interval == Nanos{2'050});
  CHECK(g.entries[1].gate_states == 0);
  CHECK(g.entries[2].gate_states == 1);
  CHECK(g.entries[2].time_interval == Nanos{1'950});
}

TEST_CASE("protection export: scheduled priorities are closed to unidentified frames on every port") {
  const auto sw4 = exporter::bridge_config(ring_plan(), ring(), "sw4");
  std::vector<std::string> closed;
  for (const auto& f : sw4.protection.stream_filters)
    if (f.stream == bridge::kWildcardStream) {
      CHECK(f.priority == std::optional<std::uint8_t>(6));
      REQUIRE(f.gate);
      CHECK_FALSE(f.gate->schedule.gate_enabled);
      CHECK(f.gate->schedule.admin_gate_states == 0);
      closed.push_back(f.port);
    }
  std::sort(closed.begin(), closed.end());
  CHECK(closed == std::vector<std::string>{"p1", "p2", "p3"});
}

TEST_CASE("active topology: one link of each loop between bridges floods and learns nothing") {
  const model::Plant plant = ring();
  const auto inactive = exporter::inactive_ports(plant);
  // sw1 reaches sw2 and sw3 first, then sw4 through sw2: the link sw3 - sw4 closes the ring.
  CHECK(inactive == std::set<model::PortRef>{{"sw3", "p2"}, {"sw4", "p2"}});
  const auto sw4 = exporter::bridge_config(ring_plan(), plant, "sw4");
  for (const auto& p : sw4.ports) CHECK(p.active_topology == (p.name != "p2"));
  CHECK(bridge::bridge_config_from_json(bridge::to_json(sw4)) == sw4);
}

TEST_CASE("ports accept frames up to the profile's largest, two tags and an R-TAG included") {
  model::Plant plant = ring();
  model::Profile profile;
  profile.name = "none";
  profile.max_frame_size = 1500;
  plant.profiles.push_back(profile);
  const auto sw1 = exporter::bridge_config(ring_plan(), plant, "sw1");
  for (const auto& p : sw1.ports) CHECK(p.max_frame_bytes == 1528);
  CHECK(bridge::bridge_config_from_json(bridge::to_json(sw1)) == sw1);
}

namespace {

// The ring plan with sw2 queueing the stream by IPV 7 (in traffic class 7) on its hop to sw4.
schedule::Plan ring_plan_with_ipv() {
  schedule::Plan plan = ring_plan();
  schedule::Hop& out_of_sw2 = plan.streams[0].hops[3];
  REQUIRE(out_of_sw2.egress.node == "sw2");
  out_of_sw2.internal_priority = 7;
  out_of_sw2.traffic_class = 7;
  return plan;
}

std::vector<bridge::StreamFilterEntry> wildcards(const bridge::BridgeConfig& c) {
  std::vector<bridge::StreamFilterEntry> out;
  for (const auto& f : c.protection.stream_filters)
    if (f.stream == bridge::kWildcardStream) out.push_back(f);
  return out;
}

}  // namespace

TEST_CASE("protection export: a hop's internal priority becomes the IPV of the stream gate at its bridge only") {
  const model::Plant plant = ring();
  const schedule::Plan plan = ring_plan_with_ipv();
  for (const char* bridge_name : {"sw1", "sw2", "sw3", "sw4"}) {
    INFO(bridge_name);
    const auto c = exporter::bridge_config(plan, plant, bridge_name);
    const auto plain = exporter::bridge_config(ring_plan(), plant, bridge_name);
    for (const auto& f : c.protection.stream_filters) {
      if (f.stream == bridge::kWildcardStream) continue;
      REQUIRE(f.gate);
      // sw2 transmits the hop that has it: its filter of the stream (where it enters, p1) says so.
      if (std::string(bridge_name) == "sw2")
        CHECK(f.gate->ipv == std::optional<std::uint8_t>(7));
      else
        CHECK_FALSE(f.gate->ipv);
    }
    // Nothing else changes: the gate's schedule, the filters' keys and the wildcard filters.
    REQUIRE(c.protection.stream_filters.size() == plain.protection.stream_filters.size());
    for (std::size_t i = 0; i < c.protection.stream_filters.size(); ++i) {
      bridge::StreamFilterEntry f = c.protection.stream_filters[i];
      if (f.gate) f.gate->ipv.reset();
      CHECK(f == plain.protection.stream_filters[i]);
    }
    CHECK(wildcards(c) == wildcards(plain));
    CHECK_NOTHROW(bridge::validate(c));
    CHECK(bridge::bridge_config_from_json(bridge::to_json(c)) == c);
  }
  const auto sw2 = exporter::bridge_config(plan, plant, "sw2");
  const auto* f = filter(sw2, "motion", "p1");
  REQUIRE(f);
  REQUIRE(f->gate);
  CHECK(f->gate->schedule.gate_enabled);                 // still the planned arrival window
  CHECK(f->priority == std::optional<std::uint8_t>(6));  // the filter still matches the frame's PCP
}

TEST_CASE("protection export: with stream gates off an IPV gets an always-open gate of its own") {
  model::Plant plant = ring();
  plant.defaults.protection.stream_gates = false;
  const schedule::Plan plan = ring_plan_with_ipv();
  const auto sw2 = exporter::bridge_config(plan, plant, "sw2");
  const auto* f = filter(sw2, "motion", "p1");
  REQUIRE(f);
  REQUIRE(f->gate);
  CHECK(f->gate->ipv == std::optional<std::uint8_t>(7));
  CHECK_FALSE(f->gate->schedule.gate_enabled);
  CHECK(f->gate->schedule.admin_gate_states == 1);  // open: the gate only says the IPV
  CHECK(f->gate->schedule.admin_control_list.empty());
  CHECK_FALSE(f->gate->gate_closed_due_to_invalid_rx_enable);
  REQUIRE(f->meter);  // the rest of the filter as before
  CHECK_NOTHROW(bridge::validate(sw2));
  CHECK(bridge::bridge_config_from_json(bridge::to_json(sw2)) == sw2);
  // An open gate with the IPV is what the dataplane's core table reads.
  const StreamFilterTable table = bridge::stream_filter_table(sw2);
  CHECK(table.queue_priority(0, *sw2.port_index("p1"), 6) == 7);
  CHECK(table.queue_priority(0, *sw2.port_index("p2"), 6) == 6);

  // Other bridges get no gate for the stream, as before, and the wildcards stay closed.
  for (const char* bridge_name : {"sw1", "sw3", "sw4"}) {
    INFO(bridge_name);
    const auto c = exporter::bridge_config(plan, plant, bridge_name);
    for (const auto& other : c.protection.stream_filters) {
      if (other.stream == bridge::kWildcardStream) {
        REQUIRE(other.gate);
        CHECK(other.gate->schedule.admin_gate_states == 0);
        CHECK_FALSE(other.gate->ipv);
      } else {
        CHECK_FALSE(other.gate);
      }
    }
  }
  CHECK(wildcards(sw2) == wildcards(exporter::bridge_config(ring_plan(), plant, "sw2")));
}
