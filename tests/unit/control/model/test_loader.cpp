#include <catch2/catch.hpp>

#include "control/model/loader.hpp"
#include "dataplane/core/wire.hpp"

using namespace takt::model;

namespace {

const char* kMinimal = R"(plant: tiny
bridges:
  sw1: {ports: 2}
end-stations:
  a: {}
  b: {}
links:
  - {ends: [a, sw1:p1], length: 10m}
  - {ends: [sw1:p2, b], propagation-delay: 100ns, speed: 100Mbps}
streams:
  s1:
    talker: a
    listeners: [b]
    interval: 1ms
    max-frame-size: 100B
    max-latency: 500us
    jitter: 2us
    earliest-transmit-offset: 10us
    latest-transmit-offset: 20us
)";

std::string errors_of(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d.str() + "\n";
  return s;
}

}  // namespace

TEST_CASE("a minimal plant loads with every value converted") {
  auto r = load_plant_text(kMinimal, "tiny.yaml");
  INFO(errors_of(r));
  REQUIRE(r.plant);
  const Plant& p = *r.plant;
  CHECK(p.name == "tiny");
  CHECK(p.bridge_count() == 1);
  CHECK(p.end_station_count() == 2);
  REQUIRE(p.links.size() == 2);
  CHECK(p.links[0].propagation == takt::Nanos{50});  // 10 m at 5 ns/m
  CHECK(p.links[0].a == PortRef{"a", "eth0"});
  CHECK(p.links[1].rate_bps == 100'000'000);
  CHECK(p.links[1].propagation == takt::Nanos{100});
  REQUIRE(p.streams.size() == 1);
  const Stream& s = p.streams[0];
  CHECK(s.interval == takt::Nanos{1'000'000});
  CHECK(s.max_frame_size == 100);
  CHECK(s.jitter == takt::Nanos{2'000});
  CHECK(s.earliest_transmit_offset == takt::Nanos{10'000});
  CHECK(s.latest_transmit_offset == takt::Nanos{20'000});
  CHECK(s.traffic_class == TrafficClassKind::scheduled);
  CHECK(s.pcp == 6);
  CHECK(s.vlan == 100);
  CHECK(s.destination_mac == "91:e0:f0:00:00:00");
  CHECK(p.profile_of(*p.find_node("sw1")).name == "takt-dataplane");
  CHECK(p.peer_of({"sw1", "p2"}) == PortRef{"b", "eth0"});
}

TEST_CASE("every problem is reported at once with line and column") {
  const char* text = R"(bridges:
  sw1: {ports: 2, profle: x}
end-stations:
  a: {}
  b: {}
links:
  - {ends: [a, sw1:p1]}
  - {ends: [sw1:p3, b]}
streams:
  s1:
    talker: a
    listeners: [a]
    intervall: 1ms
    max-frame-size: 100B
    max-latency: 1 ms
)";
  auto r = load_plant_text(text, "bad.yaml");
  REQUIRE_FALSE(r.plant);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("bad.yaml:2:19: error: unknown key 'profle' in bridge sw1 (did you mean 'profile'?)") !=
        std::string::npos);
  CHECK(all.find("bad.yaml:8:13: error: link: sw1 has no port 'p3' (did you mean 'sw1:p1'?)") != std::string::npos);
  CHECK(all.find("bad.yaml:13:5: error: unknown key 'intervall' in stream s1 (did you mean 'interval'?)") !=
        std::string::npos);
  CHECK(all.find(
            "bad.yaml:15:18: error: stream s1 max-latency: '1 ms' has a space between number and unit (write 1ms)") !=
        std::string::npos);
  // Diagnostics come in file order.
  for (std::size_t i = 1; i < r.diagnostics.size(); ++i)
    CHECK(r.diagnostics[i - 1].where.line <= r.diagnostics[i].where.line);
}

TEST_CASE("max-latency below the physical minimum says by how much") {
  std::string text = kMinimal;
  text.replace(text.find("max-latency: 500us"), 18, "max-latency: 10us");
  auto r = load_plant_text(text, "t.yaml");
  REQUIRE_FALSE(r.plant);
  // 100 B payload is 142 B on the wire: 1 Gb/s hop 1.136 us, 100 Mb/s hop 11.36 us, cables
  // 50 + 100 ns, sw1 best-case processing 1 us: 13.646 us.
  const auto hop1 = takt::wire_time_for_payload(100, true, 1'000'000'000).count();
  const auto hop2 = takt::wire_time_for_payload(100, true, 100'000'000).count();
  CHECK(hop1 == 1136);
  CHECK(hop2 == 11360);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("max-latency 10us is below the physical minimum 13.646us of the fastest path to b (a -> sw1 -> b) by "
                 "3.646us") != std::string::npos);
}

TEST_CASE("max-frame-size follows 802.1Qcc: payload only, 1500 B unless every node is jumbo-capable") {
  std::string text = kMinimal;
  text.replace(text.find("max-frame-size: 100B"), 20, "max-frame-size: 1518B");
  auto r = load_plant_text(text, "t.yaml");
  REQUIRE_FALSE(r.plant);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("max-frame-size 1518 B exceeds 1500 B") != std::string::npos);
  CHECK(all.find("max-frames-per-interval: 2 and max-frame-size: 759B") != std::string::npos);
}

TEST_CASE("talker, listener and reachability errors") {
  const char* text = R"(bridges:
  sw1: {ports: 2}
  sw2: {ports: 2}
end-stations:
  a: {}
  b: {}
  c: {}
links:
  - [a, sw1:p1]
  - [b, sw2:p1]
  - [c, sw1:p1]
streams:
  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms}
  s2: {talker: sw1, listeners: [bb], interval: 1ms, max-frame-size: 64B, max-latency: 1ms, vlan: 5000, pcp: 9}
  s3: {talker: a, listeners: b, interval: 0us, max-frame-size: 0B, max-latency: -1ms}
)";
  auto r = load_plant_text(text, "t.yaml");
  REQUIRE_FALSE(r.plant);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("t.yaml:11:9: error: port sw1:p1 is already used by the link at line 9") != std::string::npos);
  CHECK(all.find("t.yaml:13:31: error: stream s1: listener b is unreachable from talker a") != std::string::npos);
  CHECK(all.find("t.yaml:14:16: error: stream s2 talker: 'sw1' is a bridge") != std::string::npos);
  CHECK(all.find("'bb' is not a declared end station (did you mean 'b'?)") != std::string::npos);
  CHECK(all.find("stream s2 vlan is 5000, out of range (allowed: 1 to 4094)") != std::string::npos);
  CHECK(all.find("stream s2 pcp is 9, out of range (allowed: 0 to 7)") != std::string::npos);
  CHECK(all.find("stream s3 interval must be more than zero, not 0us") != std::string::npos);
  CHECK(all.find("stream s3 max-frame-size must be more than zero, not 0B") != std::string::npos);
  CHECK(all.find("stream s3 max-latency must be more than zero, not -1ms") != std::string::npos);
}

TEST_CASE("duplicates: names, keys, stream identities") {
  const char* text = R"(bridges:
  sw1: {ports: 2}
end-stations:
  sw1: {}
  a: {}
  b: {}
links:
  - [a, sw1:p1]
  - [b, sw1:p2]
streams:
  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms, destination-mac: "91:e0:f0:00:00:09"}
  s2: {talker: a, listeners: [b], interval: 1ms, interval: 2ms, max-frame-size: 64B, max-latency: 1ms, destination-mac: "91:e0:f0:00:00:09"}
  s1: {talker: a, listeners: [b], interval: 1ms, max-frame-size: 64B, max-latency: 1ms}
)";
  auto r = load_plant_text(text, "t.yaml");
  REQUIRE_FALSE(r.plant);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("t.yaml:4:3: error: 'sw1' is already declared as a bridge") != std::string::npos);
  CHECK(all.find("key 'interval' is given twice in stream s2") != std::string::npos);
  CHECK(all.find("t.yaml:13:3: error: 's1' is declared twice in streams") != std::string::npos);
  CHECK(all.find("destination-mac 91:e0:f0:00:00:09 on VLAN 100 already identifies stream s1") != std::string::npos);
}

TEST_CASE("profiles: built-in ones, inheritance and unknown names") {
  const char* text = R"(profiles:
  mine: {base: nxp-ls1028a-felix, max-gcl-entries: 32, processing-delay: {min: 2us, max: 1us}}
  other: {base: nope}
bridges:
  sw1: {ports: 2, profile: mine}
  sw2: {ports: 2, profile: intel-i226}
end-stations:
  a: {}
links:
  - [a, sw1:p1]
)";
  auto r = load_plant_text(text, "t.yaml");
  REQUIRE_FALSE(r.plant);
  const std::string all = errors_of(r);
  INFO(all);
  CHECK(all.find("profile mine: processing-delay min 2us is above max 1us") != std::string::npos);
  CHECK(all.find("base profile 'nope' is not declared above it") != std::string::npos);
  CHECK(all.find("t.yaml:6:28: error: unknown hardware profile 'intel-i226' (did you mean 'intel-i225'?)") !=
        std::string::npos);

  auto good = load_plant_text(R"(profiles:
  mine: {base: nxp-ls1028a-felix, max-gcl-entries: 32}
bridges:
  sw1: {ports: 2, profile: mine}
)",
                              "g.yaml");
  INFO(errors_of(good));
  REQUIRE(good.plant);
  const Profile& p = good.plant->profile_of(*good.plant->find_node("sw1"));
  CHECK(p.max_gcl_entries == 32);
  CHECK(p.min_gate_interval == takt::Nanos{35});
}

TEST_CASE("the example plants in configs/ are valid") {
  for (const char* name : {"small-cell.yaml", "body-shop-line.yaml"}) {
    auto r = load_plant_file(std::string(TAKT_CONFIGS_DIR) + "/plants/" + name);
    INFO(name << "\n" << errors_of(r));
    REQUIRE(r.plant);
    CHECK(r.plant->streams.size() >= 8);
  }
  auto line = load_plant_file(std::string(TAKT_CONFIGS_DIR) + "/plants/body-shop-line.yaml");
  REQUIRE(line.plant);
  CHECK(line.plant->bridge_count() == 6);
  CHECK(line.plant->end_station_count() >= 26);
}

TEST_CASE("defaults.pcp.scheduled-ipv: the priorities a bridge may give scheduled frames") {
  const std::string plant = kMinimal;
  auto with_defaults = [&](const std::string& defaults) { return std::string("defaults:\n") + defaults + plant; };
  SECTION("read in the order given") {
    auto r = load_plant_text(with_defaults("  pcp: {scheduled: 6, scheduled-ipv: [7, 5, 3]}\n"), "t.yaml");
    INFO(errors_of(r));
    REQUIRE(r.plant);
    CHECK(r.plant->defaults.scheduled_ipv == std::vector<int>{7, 5, 3});
  }
  SECTION("absent: none") {
    auto r = load_plant_text(plant, "t.yaml");
    REQUIRE(r.plant);
    CHECK(r.plant->defaults.scheduled_ipv.empty());
  }
  SECTION("not a list, out of range, twice") {
    for (const auto& [value, message] : std::vector<std::pair<std::string, std::string>>{
             {"7", "t.yaml:2:38: error: scheduled-ipv is a list of priorities (0..7)"},
             {"[7, 8]", "t.yaml:2:42: error: scheduled-ipv is 8, out of range"},
             {"[7, 7]", "t.yaml:2:42: error: scheduled-ipv lists priority 7 twice"}}) {
      auto r = load_plant_text(with_defaults("  pcp: {scheduled: 6, scheduled-ipv: " + value + "}\n"), "t.yaml");
      const auto all = errors_of(r);
      INFO(value << ": " << all);
      CHECK_FALSE(r.plant);
      CHECK(all.find(message) != std::string::npos);
    }
  }
  SECTION("a bounded or best-effort stream on one of them is refused, naming it") {
    std::string text = with_defaults("  pcp: {scheduled-ipv: [7, 0]}\n") +
                       "  be:\n    talker: a\n    listeners: [b]\n    traffic-class: best-effort\n    interval: 1ms\n"
                       "    max-frame-size: 100B\n";
    auto r = load_plant_text(text, "t.yaml");
    const auto all = errors_of(r);
    INFO(all);
    CHECK_FALSE(r.plant);
    CHECK(all.find("stream be is best-effort on pcp 0, a priority defaults.pcp.scheduled-ipv gives to scheduled "
                   "frames") != std::string::npos);
  }
}
