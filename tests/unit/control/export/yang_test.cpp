#include <catch2/catch.hpp>

#include "control/export/yang_sched_bridge.hpp"
#include "sample_plan.hpp"

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
