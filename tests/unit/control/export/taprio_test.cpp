#include <catch2/catch.hpp>

#include "control/export/taprio.hpp"
#include "sample_plan.hpp"

using namespace takt;

TEST_CASE("taprio command line for a scheduled port", "[export][taprio]") {
  const auto plan = test::sample_plan();
  const auto& port = plan.ports[0];
  CHECK(
      exporter::taprio_command(port, Nanos{1'000'000'000'000}) ==
      "tc qdisc replace dev 'p2' parent root handle 100 taprio num_tc 8 "
      "map 1 0 2 3 4 5 6 7 1 1 1 1 1 1 1 1 queues 1@0 1@1 1@2 1@3 1@4 1@5 1@6 1@7 "
      "base-time 1000000000000 sched-entry S bf 8000 sched-entry S 40 1000 sched-entry S bf 241000 clockid CLOCK_TAI");
  CHECK(exporter::taprio_command(port, "$B", exporter::TaprioMode::full_offload) ==
        "tc qdisc replace dev 'p2' parent root handle 100 taprio num_tc 8 "
        "map 1 0 2 3 4 5 6 7 1 1 1 1 1 1 1 1 queues 1@0 1@1 1@2 1@3 1@4 1@5 1@6 1@7 "
        "base-time $B sched-entry S bf 8000 sched-entry S 40 1000 sched-entry S bf 241000 flags 0x2");
}

TEST_CASE("taprio with fewer queues maps priorities per 802.1Q Table 8-5", "[export][taprio]") {
  auto port = test::sample_plan().ports[0];
  port.queues = 3;
  port.priority_to_tc = schedule::priority_to_traffic_class(3);
  port.gcl = {{0x4, Nanos{1'000}}, {0x3, Nanos{249'000}}};
  CHECK(exporter::taprio_command(port, Nanos{0}) ==
        "tc qdisc replace dev 'p2' parent root handle 100 taprio num_tc 3 map 0 0 0 0 1 1 2 2 0 0 0 0 0 0 0 0 "
        "queues 1@0 1@1 1@2 base-time 0 sched-entry S 04 1000 sched-entry S 03 249000 clockid CLOCK_TAI");
}

TEST_CASE("taprio scripts per node take the base time as an argument", "[export][taprio]") {
  const auto plan = test::sample_plan();
  const auto plant = test::sample_plant();
  const auto bridge = exporter::taprio_script(plan, plant, "sw1");
  CHECK(bridge.rfind("#!/bin/sh\n", 0) == 0);
  CHECK(bridge.find("base_time=${1:-0}\n") != std::string::npos);
  CHECK(bridge.find("\ntc qdisc replace dev 'p2' ") != std::string::npos);
  CHECK(bridge.find("base-time \"$base_time\"") != std::string::npos);
  CHECK(bridge.find("dev 'p1' ") == std::string::npos);                     // p1 has no scheduled window
  CHECK(bridge.find("# tc qdisc replace dev 'p2' ") != std::string::npos);  // offload variant, commented
  const auto talker = exporter::taprio_script(plan, plant, "talker");
  CHECK(talker.find("\ntc qdisc replace dev 'eth0' ") != std::string::npos);
  CHECK(talker.find("sched-entry S bf 2000 sched-entry S 40 1000") != std::string::npos);
  CHECK(exporter::taprio_script(plan, plant, "listener").empty());
}

TEST_CASE("taprio puts the device name in as one quoted shell word", "[export][taprio]") {
  // Issue 11 case 2: a port named like this ran its command when the script ran.
  auto port = test::sample_plan().ports[0];
  port.port.port = "p2$(touch /tmp/pwned)";
  CHECK(exporter::taprio_command(port, Nanos{0}).rfind("tc qdisc replace dev 'p2$(touch /tmp/pwned)' parent ", 0) == 0);
  port.port.port = "it's";
  CHECK(exporter::taprio_command(port, Nanos{0}).rfind("tc qdisc replace dev 'it'\\''s' parent ", 0) == 0);
}
