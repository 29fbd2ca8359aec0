#include <catch2/catch.hpp>

#include "control/export/bridge_config.hpp"
#include "control/export/yang_sched_bridge.hpp"
#include "control/export/yang_stream_protection.hpp"
#include "sample_plan.hpp"
#include "sample_protection.hpp"

using namespace takt;

TEST_CASE("cycle times become reduced rational seconds", "[export][yang]") {
  auto r = exporter::to_rational_seconds(Nanos{250'000});
  CHECK(r.numerator == 1);
  CHECK(r.denominator == 4000);
  r = exporter::to_rational_seconds(Nanos{1'234'567});
  CHECK(r.numerator == 1'234'567);
  CHECK(r.denominator == 1'000'000'000);
  r = exporter::to_rational_seconds(Nanos{5'000'000'000});  // above uint32 ns, still exact
  CHECK(r.numerator == 5);
  CHECK(r.denominator == 1);
  CHECK_THROWS_AS(exporter::to_rational_seconds(Nanos{-1}), std::range_error);
}

TEST_CASE("a bridge's document lists every linked port under ietf-interfaces", "[export][yang]") {
  const auto plant = test::sample_plant();
  const auto plan = test::sample_plan();
  const auto doc = exporter::sched_bridge_config(plan, plant, "sw1");
  const auto& interfaces = doc.at("ietf-interfaces:interfaces").at("interface");
  REQUIRE(interfaces.size() == 3);  // p3 has no link
  CHECK(interfaces[0].at("name") == "p1");
  CHECK(interfaces[1].at("name") == "p2");
  CHECK(interfaces[2].at("name") == "p4");
  for (const auto& i : interfaces) CHECK(i.at("type") == "iana-if-type:ethernetCsmacd");

  const auto& p2 =
      interfaces[1].at("ieee802-dot1q-bridge:bridge-port").at("ieee802-dot1q-sched-bridge:gate-parameter-table");
  CHECK(p2.at("gate-enabled") == true);
  CHECK(p2.at("admin-gate-states") == 255);
  const auto& entries = p2.at("admin-control-list").at("gate-control-entry");
  REQUIRE(entries.size() == 3);
  const std::uint32_t intervals[] = {8'000, 1'000, 241'000};
  const std::uint32_t states[] = {0xbf, 0x40, 0xbf};
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(entries[k].at("index") == k);
    CHECK(entries[k].at("operation-name") == "ieee802-dot1q-sched:set-gate-states");
    CHECK(entries[k].at("time-interval-value") == intervals[k]);
    CHECK(entries[k].at("gate-states-value") == states[k]);
  }
  CHECK(p2.at("admin-cycle-time") == nlohmann::ordered_json{{"numerator", 1}, {"denominator", 4000}});
  CHECK(p2.at("admin-cycle-time-extension") == 125'000);
  CHECK(p2.at("admin-base-time").at("seconds") == "0");  // uint64 is a string in RFC 7951
  CHECK(p2.at("admin-base-time").at("nanoseconds") == 0);
  CHECK(p2.at("config-change") == true);
  CHECK(p2.at("supported-list-max") == 4096);  // takt-dataplane profile
  REQUIRE(p2.at("queue-max-sdu-table").size() == 1);
  CHECK(p2.at("queue-max-sdu-table")[0].at("traffic-class") == 6);
  CHECK(p2.at("queue-max-sdu-table")[0].at("queue-max-sdu") == 64);

  const auto& p1 =
      interfaces[0].at("ieee802-dot1q-bridge:bridge-port").at("ieee802-dot1q-sched-bridge:gate-parameter-table");
  CHECK(p1.at("gate-enabled") == false);
  const auto& idle = p1.at("admin-control-list").at("gate-control-entry");
  REQUIRE(idle.size() == 1);
  CHECK(idle[0].at("gate-states-value") == 255);  // every gate open: the same as no gating
  CHECK_FALSE(p1.contains("queue-max-sdu-table"));
}

TEST_CASE("only bridges get a sched-bridge document", "[export][yang]") {
  CHECK_THROWS_AS(exporter::sched_bridge_config(test::sample_plan(), test::sample_plant(), "talker"),
                  std::invalid_argument);
  CHECK_THROWS_AS(exporter::sched_bridge_config(test::sample_plan(), test::sample_plant(), "nope"),
                  std::invalid_argument);
}

namespace {

using ojson = nlohmann::ordered_json;

const ojson& component_of(const ojson& doc) {
  const auto& bridge = doc.at("ieee802-dot1q-bridge:bridges").at("bridge");
  REQUIRE(bridge.size() == 1);
  const auto& components = bridge[0].at("component");
  REQUIRE(components.size() == 1);
  return components[0];
}

const ojson& filters_of(const ojson& doc) {
  return component_of(doc).at("ieee802-dot1q-psfp-bridge:stream-filters").at("stream-filter-instance-table");
}

const ojson& gate(const ojson& doc, std::uint32_t id) {
  const auto& gates = component_of(doc).at("ieee802-dot1q-psfp-bridge:stream-gates").at("stream-gate-instance-table");
  for (const auto& g : gates)
    if (g.at("stream-gate-instance-id") == id) return g;
  FAIL("no stream gate " << id);
  return gates;
}

}  // namespace

TEST_CASE("the protection sample is a valid takt-bridge/1 configuration", "[export][yang][protection]") {
  CHECK_NOTHROW(bridge::validate(test::sample_protected_bridge()));
}

TEST_CASE("stream handles are stream indices, and a further ingress port gets a handle of its own",
          "[export][yang][protection]") {
  const auto handles = exporter::stream_handles(test::sample_protected_bridge());
  REQUIRE(handles.size() == 7);
  const std::vector<std::pair<std::string, std::uint32_t>> expected = {
      {"motion", 0}, {"split", 1}, {"merged", 2}, {"merged-match", 3}, {"untagged", 4}, {"counted", 5}, {"merged", 6}};
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(handles[k].stream == expected[k].first);
    CHECK(handles[k].handle == expected[k].second);
  }
  CHECK(handles[0].ports == std::vector<std::string>{"p1"});              // where its filter is
  CHECK(handles[2].ports == std::vector<std::string>{"p2"});              // first filter port
  CHECK(handles[6].ports == std::vector<std::string>{"p4"});              // second: handle n + 0
  CHECK(handles[3].ports == std::vector<std::string>{"p1", "p2", "p4"});  // no filter: every port
}

TEST_CASE("streams get null stream identification on their ports", "[export][yang][protection]") {
  const auto doc = exporter::stream_protection_yang(test::sample_protected_bridge());
  const auto& ids = doc.at("ieee802-dot1cb-stream-identification:stream-identity");
  REQUIRE(ids.size() == 7);
  CHECK(ids[0].at("index") == 0);
  CHECK(ids[0].at("handle") == 0);
  CHECK(ids[0].at("out-facing").at("input-port") == ojson::array({"p1"}));
  const auto& motion = ids[0].at("null-stream-identification");
  CHECK(motion.at("destination-mac") == "91-E0-F0-00-00-00");  // ieee802-types mac-address
  CHECK(motion.at("tagged") == "tagged");
  CHECK(motion.at("vlan") == 100);
  CHECK(ids[4].at("null-stream-identification").at("tagged") == "priority");  // VLAN 0
  CHECK(ids[4].at("null-stream-identification").at("destination-mac") == "02-00-00-00-00-0A");
  CHECK(ids[6].at("index") == 6);
  CHECK(ids[6].at("handle") == 6);
  CHECK(ids[6].at("null-stream-identification") == ids[2].at("null-stream-identification"));
}

TEST_CASE("stream filters: handle or wildcard, priority, max SDU, gate and meter references",
          "[export][yang][protection]") {
  const auto doc = exporter::stream_protection_yang(test::sample_protected_bridge());
  const auto& bridge = doc.at("ieee802-dot1q-bridge:bridges").at("bridge")[0];
  CHECK(bridge.at("name") == "sw1");
  CHECK(bridge.at("address") == exporter::kPlaceholderBridgeAddress);
  CHECK(bridge.at("bridge-type") == "ieee802-dot1q-bridge:customer-vlan-bridge");
  CHECK(component_of(doc).at("type") == "ieee802-dot1q-bridge:c-vlan-component");

  const auto& f = filters_of(doc);
  REQUIRE(f.size() == 6);  // 5 stream filters, PCP 6 wildcards as one; the p1-only PCP 7 one dropped
  for (std::size_t k = 0; k < f.size(); ++k) CHECK(f[k].at("stream-filter-instance-id") == k);
  CHECK(f[0].at("stream-handle") == 0);
  CHECK(f[0].at("priority-spec") == "six");
  CHECK(f[0].at("max-sdu-size") == 68);
  CHECK(f[0].at("stream-blocked-due-to-oversize-frame-enabled") == true);
  CHECK(f[0].at("stream-gate-ref") == 0);
  CHECK(f[0].at("flow-meter-ref") == 0);
  CHECK(f[0].at("flow-meter-enable") == true);
  CHECK(f[1].at("stream-handle") == 1);
  CHECK(f[1].at("priority-spec") == "five");
  CHECK(f[1].at("flow-meter-ref") == 1);
  CHECK(f[2].at("stream-handle") == 2);  // merged at p2
  CHECK(f[3].at("stream-handle") == 6);  // merged at p4
  CHECK(f[2].at("stream-gate-ref") == 1);
  CHECK(f[3].at("stream-gate-ref") == 2);
  CHECK_FALSE(f[2].contains("flow-meter-ref"));
  CHECK(f[4].at("stream-handle") == 4);
  CHECK(f[4].at("priority-spec") == "wildcard");          // any priority
  CHECK(f[4].at("max-sdu-size") == 0);                    // any size, in takt as in 802.1Qci
  CHECK(f[5].at("wildcard") == ojson::array({nullptr}));  // RFC 7951 empty leaf
  CHECK_FALSE(f[5].contains("stream-handle"));
  CHECK(f[5].at("priority-spec") == "six");
  CHECK(f[5].at("stream-gate-ref") == 3);
  for (const auto& e : f) CHECK(e.at("priority-spec") != "seven");

  // Filters without a gate share one that is always open.
  CHECK(f[1].at("stream-gate-ref") == 4);
  CHECK(f[4].at("stream-gate-ref") == 4);
  const auto& open = gate(doc, 4);
  CHECK(open.at("gate-enable") == false);
  CHECK(open.at("admin-gate-states") == "open");
}

TEST_CASE("stream gates: set-gate-and-ipv lists, bit 0 is the state, base time as PTP time",
          "[export][yang][protection]") {
  const auto doc = exporter::stream_protection_yang(test::sample_protected_bridge());
  const auto& gates = component_of(doc).at("ieee802-dot1q-psfp-bridge:stream-gates");
  CHECK(gates.at("supported-list-max") == 1024);
  CHECK(gates.at("supported-cycle-max") == ojson{{"numerator", 1}, {"denominator", 1}});
  CHECK(gates.at("supported-interval-max") == 1'000'000'000);
  CHECK(gates.at("stream-gate-instance-table").size() == 5);

  const auto& g = gate(doc, 0);
  CHECK(g.at("gate-enable") == true);
  CHECK(g.at("admin-gate-states") == "closed");
  CHECK(g.at("admin-ipv") == "null");
  const auto& entries = g.at("admin-control-list").at("gate-control-entry");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].at("index") == 0);
  CHECK(entries[0].at("operation-name") == "ieee802-dot1q-psfp:set-gate-and-ipv");
  CHECK(entries[0].at("time-interval-value") == 10'000);
  CHECK(entries[0].at("gate-state-value") == "open");
  CHECK(entries[0].at("ipv-spec") == "null");
  CHECK(entries[1].at("gate-state-value") == "closed");
  CHECK(entries[1].at("time-interval-value") == 240'000);
  CHECK(g.at("admin-cycle-time") == ojson{{"numerator", 1}, {"denominator", 4000}});  // reduced
  CHECK(g.at("admin-cycle-time-extension") == 1'000);
  // ptp-time-grouping: seconds is a uint64, a string in RFC 7951; nanoseconds a number.
  CHECK(g.at("admin-base-time") == ojson{{"seconds", "1700000000"}, {"nanoseconds", 500}});
  CHECK(g.at("config-change") == true);
  CHECK(g.at("gate-closed-due-to-invalid-rx-enable") == true);

  const auto& closed = gate(doc, 3);  // the wildcard's: never opens
  CHECK(closed.at("gate-enable") == false);
  CHECK(closed.at("admin-gate-states") == "closed");
  CHECK_FALSE(closed.contains("admin-control-list"));
}

TEST_CASE("stream gates: a gate's IPV is its admin-ipv and every entry's ipv-spec, null without one",
          "[export][yang][protection]") {
  const auto doc = exporter::stream_protection_yang(test::sample_protected_bridge());
  const auto& at_p4 = gate(doc, 2);  // merged at p4: IPV 7
  CHECK(at_p4.at("admin-ipv") == "seven");
  const auto& entries = at_p4.at("admin-control-list").at("gate-control-entry");
  REQUIRE(entries.size() == 2);
  for (const auto& e : entries) CHECK(e.at("ipv-spec") == "seven");
  CHECK(entries[0].at("gate-state-value") == "open");
  CHECK(entries[1].at("gate-state-value") == "closed");
  const auto& at_p2 = gate(doc, 1);  // merged at p2: none
  CHECK(at_p2.at("admin-ipv") == "null");
  for (const auto& e : at_p2.at("admin-control-list").at("gate-control-entry")) CHECK(e.at("ipv-spec") == "null");
  CHECK(gate(doc, 4).at("admin-ipv") == "null");  // the shared always-open gate

  // Every priority has its name; an IPV that is none is refused.
  auto c = test::sample_protected_bridge();
  const std::vector<const char*> names = {"zero", "one", "two", "three", "four", "five", "six", "seven"};
  for (std::uint8_t ipv = 0; ipv < 8; ++ipv) {
    c.protection.stream_filters[0].gate->ipv = ipv;
    CHECK(gate(exporter::stream_protection_yang(c), 0).at("admin-ipv") == names[ipv]);
  }
  c.protection.stream_filters[0].gate->ipv = 8;
  CHECK_THROWS_AS(exporter::stream_protection_yang(c), std::range_error);

  // A filter whose gate is there only for its IPV (always open, no list) says so too.
  c = test::sample_protected_bridge();
  bridge::StreamGate open;
  open.schedule.gate_enabled = false;
  open.schedule.admin_gate_states = 1;
  open.ipv = 5;
  c.protection.stream_filters[1].gate = open;  // split at p1
  const auto with_open = exporter::stream_protection_yang(c);
  const auto& split = filters_of(with_open)[1];
  const auto& own = gate(with_open, split.at("stream-gate-ref").get<std::uint32_t>());
  CHECK(own.at("gate-enable") == false);
  CHECK(own.at("admin-gate-states") == "open");
  CHECK(own.at("admin-ipv") == "five");
}

TEST_CASE("flow meters: MEF 10.3 uncoupled and colour-blind", "[export][yang][protection]") {
  const auto doc = exporter::stream_protection_yang(test::sample_protected_bridge());
  const auto& meters = component_of(doc).at("ieee802-dot1q-psfp-bridge:flow-meters");
  CHECK(meters.at("max-flow-meter-instances") == 2);
  const auto& m = meters.at("flow-meter-instance-table");
  REQUIRE(m.size() == 2);
  CHECK(m[0].at("flow-meter-instance-id") == 0);
  CHECK(m[0].at("committed-information-rate") == "2176000");  // uint64: a string
  CHECK(m[0].at("committed-burst-size") == 136);
  CHECK(m[0].at("excess-information-rate") == "1000000");
  CHECK(m[0].at("excess-burst-size") == 1'522);
  CHECK(m[0].at("coupling-flag") == "zero");
  CHECK(m[0].at("color-mode") == "color-blind");
  CHECK(m[0].at("drop-on-yellow") == true);
  CHECK(m[0].at("mark-all-frames-red-enable") == true);
  CHECK(m[1].at("committed-information-rate") == "12032000");
  CHECK(m[1].at("drop-on-yellow") == false);
}

TEST_CASE("FRER: generation, recovery and the ports that encode and decode the R-TAG", "[export][yang][protection]") {
  const auto doc = exporter::stream_protection_yang(test::sample_protected_bridge());
  const auto& frer = doc.at("ieee802-dot1cb-frer:frer");
  const auto& gen = frer.at("sequence-generation");
  REQUIRE(gen.size() == 1);
  CHECK(gen[0].at("stream") == ojson::array({1}));
  CHECK(gen[0].at("direction-out-facing") == false);

  const auto& rec = frer.at("sequence-recovery");
  REQUIRE(rec.size() == 2);
  CHECK(rec[0].at("stream") == ojson::array({2, 6}));  // both member streams share the history
  CHECK(rec[0].at("port") == ojson::array({"p2", "p4"}));
  CHECK(rec[0].at("algorithm") == ojson{{"vector", ojson::object()}});
  CHECK(rec[0].at("history-length") == 8);
  CHECK(rec[0].at("reset-timeout") == 3);  // 2.5 ms, rounded up to the module's ms
  CHECK(rec[0].at("take-no-sequence") == false);
  CHECK(rec[0].at("individual-recovery") == true);
  CHECK(rec[0].at("latent-error-detection") == true);
  CHECK(rec[0].at("latent-error-detection-parameters") ==
        ojson{{"difference", 25}, {"period", 1000}, {"paths", 2}, {"reset-period", 30000}});
  CHECK(rec[1].at("stream") == ojson::array({3}));
  CHECK(rec[1].at("port") == ojson::array({"p2", "p4"}));  // no filter: every port but where it leaves
  CHECK(rec[1].at("algorithm") == ojson{{"match", ojson::object()}});
  CHECK_FALSE(rec[1].contains("history-length"));
  CHECK(rec[1].at("take-no-sequence") == true);
  CHECK_FALSE(rec[1].contains("latent-error-detection-parameters"));

  // Keyed by (port, direction): p2 and p4 encode 'split' in-facing and decode the merged
  // streams out-facing.
  const auto& ids = frer.at("sequence-identification");
  REQUIRE(ids.size() == 4);
  const auto find = [&](const char* port, bool out_facing) -> const ojson& {
    for (const auto& e : ids)
      if (e.at("port") == port && e.at("direction-out-facing") == out_facing) return e;
    FAIL("no sequence identification at " << port);
    return ids;
  };
  CHECK(find("p2", false).at("active") == true);
  CHECK(find("p2", false).at("stream") == ojson::array({1}));
  CHECK(find("p4", false).at("stream") == ojson::array({1}));
  CHECK(find("p2", true).at("active") == false);
  CHECK(find("p2", true).at("stream") == ojson::array({2, 6, 3}));
  CHECK(find("p4", true).at("stream") == ojson::array({2, 6, 3}));
  for (const auto& e : ids) CHECK(e.at("encapsulation") == ojson{{"r-tag", ojson::object()}});
}

TEST_CASE("protection values that the modules cannot hold are refused", "[export][yang][protection]") {
  auto c = test::sample_protected_bridge();
  c.protection.sequence_recovery[0].recovery.history_length = 1;  // 802.1CB: at least 2
  CHECK_THROWS_AS(exporter::stream_protection_yang(c), std::range_error);
  c = test::sample_protected_bridge();
  c.protection.stream_filters[0].meter->committed_burst_size_bytes = std::int64_t{1} << 33;
  CHECK_THROWS_AS(exporter::stream_protection_yang(c), std::range_error);
  c = test::sample_protected_bridge();
  c.protection.stream_filters[0].stream = "nobody";
  CHECK_THROWS_AS(exporter::stream_protection_yang(c), std::invalid_argument);
  c = test::sample_protected_bridge();
  c.protection.sequence_generation = {"nobody"};
  CHECK_THROWS_AS(exporter::stream_protection_yang(c), std::invalid_argument);
}

TEST_CASE("a bridge without streams gets no protection content", "[export][yang][protection]") {
  bridge::BridgeConfig c;
  c.bridge = "sw1";
  CHECK(exporter::stream_protection_yang(c).empty());
  c = test::sample_protected_bridge();
  c.protection = {};
  const auto doc = exporter::stream_protection_yang(c);
  CHECK_FALSE(doc.contains("ieee802-dot1q-bridge:bridges"));
  CHECK_FALSE(doc.contains("ieee802-dot1cb-frer:frer"));
  REQUIRE(doc.at("ieee802-dot1cb-stream-identification:stream-identity").size() == 6);
}

TEST_CASE("the plan's document carries the bridge's takt-bridge/1 protection", "[export][yang][protection]") {
  const auto plant = test::sample_plant();
  const auto plan = test::sample_plan();
  const auto doc = exporter::sched_bridge_config(plan, plant, "sw1");
  const auto config = exporter::bridge_config(plan, plant, "sw1");
  const auto expected = exporter::stream_protection_yang(
      config,
      {exporter::stream_gate_limits(plant.profile_of(*plant.find_node("sw1"))), exporter::kPlaceholderBridgeAddress});
  REQUIRE_FALSE(expected.empty());
  for (const auto& [key, value] : expected.items()) CHECK(doc.at(key) == value);
  CHECK(exporter::yang_mac_address(*MacAddress::parse("02:00:0a:bc:00:ff")) == "02-00-0A-BC-00-FF");
}
