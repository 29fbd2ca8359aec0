// The takt-station/1 file format: round trip, what a newer writer may add, and hostile or broken
// files refused with the JSON pointer of the offending member.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "dataplane/core/config_error.hpp"
#include "protocol/station_config.hpp"

using namespace takt;
using namespace takt::station;
using nlohmann::json;

namespace {

// Both directions, every optional member once present and once absent, IPv4 and IPv6.
StationConfig sample() {
  StationConfig c;
  c.plant = "virtual-cell";
  c.station = "robot";
  c.sync_error_budget = Nanos{100'000};

  TalkerStream t;
  t.name = "robot-status";
  t.kind = StreamKind::scheduled;
  t.interval = Nanos{8'000'000};
  t.frames_per_interval = 1;
  t.max_frame_bytes = 530;
  t.destination = *MacAddress::parse("91:e0:f0:00:00:05");
  t.vlan = 100;
  t.pcp = 6;
  t.max_latency = Nanos{4'000'000};
  t.ip = IpIdentification{IpAddress::v4(10, 0, 0, 2), IpAddress::v4(10, 0, 0, 1), kIpProtoUdp, 50'000, 4840, 46};
  t.offset = Nanos{1'234'567};
  t.window = Nanos{504'432};
  t.committed_information_rate_bps = 530;
  t.committed_burst_bytes = 4770;
  t.listeners = {"edge-server", "camera"};
  c.talks.push_back(t);

  TalkerStream alarm = t;
  alarm.name = "robot-alarm";
  alarm.kind = StreamKind::bounded;
  alarm.destination = *MacAddress::parse("91:e0:f0:00:00:07");
  alarm.pcp = 4;
  alarm.offset.reset();
  alarm.window = Nanos{0};
  IpIdentification v6;
  v6.destination = IpAddress{{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
  v6.protocol = kIpProtoTcp;
  alarm.ip = v6;
  alarm.listeners = {"edge-server"};
  c.talks.push_back(alarm);

  ListenerStream l;
  l.name = "robot-io";
  l.kind = StreamKind::scheduled;
  l.interval = Nanos{8'000'000};
  l.max_frame_bytes = 274;
  l.destination = *MacAddress::parse("91:e0:f0:00:00:04");
  l.vlan = 100;
  l.pcp = 6;
  l.max_latency = Nanos{4'000'000};
  l.talker = "edge-server";
  l.arrival_offset = Nanos{7'900'000};
  l.arrival_window = Nanos{400'000};  // runs past the interval's end into the next
  c.listens.push_back(l);

  ListenerStream be = l;
  be.name = "camera-images";
  be.kind = StreamKind::best_effort;
  be.frames_per_interval = 40;
  be.destination = *MacAddress::parse("91:e0:f0:00:00:09");
  be.pcp = 0;
  be.talker = "camera";
  be.arrival_offset.reset();
  be.arrival_window = Nanos{0};
  c.listens.push_back(be);
  return c;
}

json sample_json() { return json::parse(to_json(sample()).dump()); }

std::string error_of(const json& j) {
  try {
    (void)station_config_from_json(j);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a station config written and read back is the same", "[protocol][station]") {
  const StationConfig c = sample();
  const auto written = to_json(c);
  CHECK(station_config_from_json(json::parse(written.dump())) == c);
  CHECK(station_config_from_json(json::parse(written.dump(2))) == c);
}

TEST_CASE("the station config's members are kebab-case in the contract's order", "[protocol][station]") {
  const auto j = to_json(sample());
  std::vector<std::string> top;
  for (const auto& [k, v] : j.items()) top.push_back(k);
  CHECK(top == std::vector<std::string>{"format", "plant", "end-station", "sync-error-budget-ns", "talks", "listens"});
  CHECK(j["format"] == "takt-station/1");
  const auto& t = j["talks"][0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : t.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"stream", "traffic-class", "interval-ns", "frames-per-interval",
                                         "max-frame-bytes", "destination-mac", "vlan", "pcp", "max-latency-ns", "ip",
                                         "offset-ns", "window-ns", "committed-information-rate-bps",
                                         "committed-burst-bytes", "listeners"});
  CHECK(t["ip"].dump() == R"({"destination":"10.0.0.2","source":"10.0.0.1","protocol":"udp","source-port":50000,)"
                          R"("destination-port":4840,"dscp":46})");
  CHECK(j["talks"][1]["traffic-class"] == "bounded");
  CHECK(j["talks"][1]["ip"].dump() == R"({"destination":"fd00::2","protocol":"tcp"})");
  CHECK_FALSE(j["talks"][1].contains("offset-ns"));
  const auto& l = j["listens"][0];
  CHECK(l["talker"] == "edge-server");
  CHECK(l["arrival-offset-ns"] == 7'900'000);
  CHECK(l["arrival-window-ns"] == 400'000);
  CHECK_FALSE(l.contains("ip"));
  CHECK(j["listens"][1]["traffic-class"] == "best-effort");
  CHECK_FALSE(j["listens"][1].contains("arrival-offset-ns"));
}

TEST_CASE("a station config keeps reading when a newer writer adds members", "[protocol][station]") {
  json j = sample_json();
  j["epoch"] = "TAI 0";
  j["talks"][0]["launch-time"] = true;
  j["talks"][0]["ip"]["flow-label"] = 7;
  j["listens"][0]["latency-histogram"] = json::array({1, 2});
  CHECK(station_config_from_json(j) == sample());
}

TEST_CASE("IP addresses are read in every text form inet_pton takes", "[protocol][station]") {
  json j = sample_json();
  j["talks"][0]["ip"]["destination"] = "::ffff:10.0.0.2";  // IPv4-mapped written as IPv6
  j["talks"][0]["ip"]["source"] = "10.0.0.1";
  CHECK(station_config_from_json(j).talks[0].ip->destination == IpAddress::v4(10, 0, 0, 2));
  j["talks"][1]["ip"]["destination"] = "FD00:0:0::2";
  CHECK(station_config_from_json(j).talks[1].ip == sample().talks[1].ip);
}

TEST_CASE("broken station configs are refused with the JSON pointer of the member", "[protocol][station]") {
  struct Case {
    const char* what;
    std::string pointer;
    json value;
    std::string message;
  };
  const std::vector<Case> cases{
      {"VLAN 4095", "/talks/0/vlan", 4095, "/talks/0/vlan: 4095 is not a VLAN id (1..4094)"},
      {"VLAN 0", "/listens/1/vlan", 0, "/listens/1/vlan: 0 is not a VLAN id (1..4094)"},
      {"PCP 8", "/talks/1/pcp", 8, "/talks/1/pcp: 8 is not a priority (0..7)"},
      {"negative interval", "/talks/0/interval-ns", -8'000'000,
       "/talks/0/interval-ns: -8000000 is not an interval in nanoseconds (1.."},
      {"interval as text", "/talks/0/interval-ns", "8ms", "/talks/0/interval-ns: expected a whole number, got \"8ms\""},
      {"fractional frames", "/talks/0/frames-per-interval", 1.5,
       "/talks/0/frames-per-interval: expected a whole number, got 1.5"},
      {"offset at the interval", "/talks/0/offset-ns", 8'000'000,
       "/talks/0/offset-ns: 8000000 is not inside the interval (0..7999999)"},
      {"negative offset", "/talks/0/offset-ns", -1, "/talks/0/offset-ns: -1 is not inside the interval (0..7999999)"},
      {"window longer than the interval", "/talks/0/window-ns", 8'000'001,
       "/talks/0/window-ns: 8000001 is not a window inside the interval (1..8000000)"},
      {"arrival offset past the interval", "/listens/0/arrival-offset-ns", 9'000'000,
       "/listens/0/arrival-offset-ns: 9000000 is not inside the interval (0..7999999)"},
      {"empty arrival window", "/listens/0/arrival-window-ns", 0,
       "/listens/0/arrival-window-ns: 0 is not a window inside the interval (1..8000000)"},
      {"offset on a bounded stream", "/talks/1/offset-ns", 5,
       "/talks/1/offset-ns: a bounded stream has no planned window; only scheduled streams have offset-ns"},
      {"bad destination IP", "/talks/0/ip/destination", "10.0.0.256",
       "/talks/0/ip/destination: \"10.0.0.256\" is not an IP address (write 10.0.0.2 or fd00::2)"},
      {"IP with a zone", "/talks/1/ip/destination", "fe80::1%eth0",
       "/talks/1/ip/destination: \"fe80::1%eth0\" is not an IP address"},
      {"IP with blanks", "/talks/0/ip/source", " 10.0.0.1", "/talks/0/ip/source: \" 10.0.0.1\" is not an IP address"},
      {"IPv6 source to an IPv4 destination", "/talks/0/ip/source", "fd00::1",
       "/talks/0/ip/source: source and destination must both be IPv4 or both IPv6"},
      {"port 70000", "/talks/0/ip/destination-port", 70'000,
       "/talks/0/ip/destination-port: 70000 is not a port (0..65535)"},
      {"negative port", "/talks/0/ip/source-port", -1, "/talks/0/ip/source-port: -1 is not a port (0..65535)"},
      {"DSCP 64", "/talks/0/ip/dscp", 64, "/talks/0/ip/dscp: 64 is not a DSCP (0..63)"},
      {"protocol sctp", "/talks/0/ip/protocol", "sctp",
       "/talks/0/ip/protocol: \"sctp\" is not a protocol IP stream identification takes (\"udp\" or \"tcp\")"},
      {"wrong format", "/format", "takt-station/2",
       "/format: this is \"takt-station/2\"; takt-station reads \"takt-station/1\""},
      {"bridge file", "/format", "takt-bridge/1", "/format: this is \"takt-bridge/1\"; takt-station reads"},
      {"unknown traffic class", "/talks/0/traffic-class", "express",
       "/talks/0/traffic-class: \"express\" is not a traffic class"},
      {"bad MAC", "/listens/0/destination-mac", "91:e0:f0:00:00",
       "/listens/0/destination-mac: \"91:e0:f0:00:00\" is not a MAC address"},
      {"stream name with a slash", "/talks/0/stream", "../robot-status",
       "/talks/0/stream: \"../robot-status\" is not a plant name"},
      {"station name too long", "/end-station", std::string(65, 'r'), "/end-station: \"rrrr"},
      {"listener named twice", "/talks/0/listeners/1", "edge-server",
       "/talks/0/listeners/1: edge-server is listed twice"},
      {"no listeners", "/talks/0/listeners", json::array(), "/talks/0/listeners: a stream has at least one listener"},
      {"talker is the station", "/listens/0/talker", "robot",
       "/listens/0/talker: robot is this end station, which listens to the stream"},
      {"burst below a frame", "/talks/0/committed-burst-bytes", 100,
       "/talks/0/committed-burst-bytes: 100 is below max-frame-bytes 530: no frame of the stream would pass"},
      {"zero rate", "/talks/0/committed-information-rate-bps", 0,
       "/talks/0/committed-information-rate-bps: 0 is not a committed information rate in bit/s (1.."},
      {"huge unsigned", "/sync-error-budget-ns", 18'446'744'073'709'551'615ULL,
       "/sync-error-budget-ns: 18446744073709551615 is not a time error budget in nanoseconds (0.."},
      {"talks not a list", "/talks", json::object(), "/talks: expected an array"},
      {"a stream not an object", "/listens/1", 7, "/listens/1: expected an object, got 7"},
      {"ip not an object", "/talks/0/ip", "10.0.0.2", "/talks/0/ip: expected an object, got \"10.0.0.2\""},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    json j = sample_json();
    j[json::json_pointer(c.pointer)] = c.value;
    const std::string error = error_of(j);
    INFO(error);
    CHECK(error.rfind(c.message, 0) == 0);
  }
}

TEST_CASE("a station config missing a member names it", "[protocol][station]") {
  for (const char* pointer : {"/plant", "/talks/0/window-ns", "/talks/0/ip/destination", "/listens/0/talker",
                              "/listens/0/arrival-window-ns", "/talks/0/ip/protocol"}) {
    INFO(pointer);
    json j = sample_json();
    const json::json_pointer p(pointer);
    j[p.parent_pointer()].erase(p.back());
    CHECK(error_of(j) == fmt::format("{}: missing \"{}\"",
                                     p.parent_pointer().empty() ? "/" : p.parent_pointer().to_string(), p.back()));
  }
  json j = sample_json();
  j["talks"][0].erase("offset-ns");
  CHECK(error_of(j) == "/talks/0: missing \"offset-ns\": a scheduled stream has a planned offset");
  j = sample_json();
  j["listens"][0].erase("arrival-offset-ns");
  CHECK(error_of(j) == "/listens/0: missing \"arrival-offset-ns\": a scheduled stream has a planned offset");
  CHECK(error_of(json::array()) == "/: expected an object, got an array of 0 elements");
}

TEST_CASE("streams a station could not tell apart are refused naming both", "[protocol][station]") {
  json j = sample_json();
  j["talks"][1]["stream"] = "robot-status";
  CHECK(error_of(j) == "/talks/1/stream: stream robot-status is already at /talks/0");
  j = sample_json();
  j["listens"][0]["stream"] = "robot-alarm";  // a stream both talked and listened to
  CHECK(error_of(j) == "/listens/0/stream: stream robot-alarm is already at /talks/1");
  j = sample_json();
  j["talks"][1]["destination-mac"] = "91:e0:f0:00:00:05";
  CHECK(error_of(j) ==
        "/talks/1/destination-mac: 91:e0:f0:00:00:05 on VLAN 100 already identifies the stream at /talks/0");
  j = sample_json();
  j["talks"][1]["ip"] = j["talks"][0]["ip"];
  CHECK(error_of(j) == "/talks/1/ip: the same IP identification as the stream at /talks/0");
  j["talks"][1]["ip"]["dscp"] = 45;  // one field apart: told apart
  CHECK(error_of(j) == "accepted");
}

TEST_CASE("a station config with too many streams is refused before reading them", "[protocol][station]") {
  json j = sample_json();
  const json first = j["listens"][0];
  j["listens"] = json::array();
  for (std::size_t i = 0; i <= kMaxStationStreams; ++i) j["listens"].push_back(first);
  CHECK(error_of(j) == fmt::format("/listens: {} streams; an end station may have at most {} in each direction",
                                   kMaxStationStreams + 1, kMaxStationStreams));
  j = sample_json();
  j["talks"][0]["listeners"] = json::array();
  for (std::size_t i = 0; i <= kMaxListenersPerStream; ++i) j["talks"][0]["listeners"].push_back(fmt::format("l{}", i));
  CHECK(error_of(j) == fmt::format("/talks/0/listeners: {} listeners; a stream may have at most {}",
                                   kMaxListenersPerStream + 1, kMaxListenersPerStream));
}

TEST_CASE("load_station_config names the file and refuses what is not a station config", "[protocol][station]") {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("takt-station-test-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    const auto p = dir / name;
    std::ofstream(p) << text;
    return p.string();
  };
  const std::string good = write("robot.json", to_json(sample()).dump(2));
  CHECK(load_station_config(good) == sample());

  const auto error = [](const std::string& path) -> std::string {
    try {
      (void)load_station_config(path);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "accepted";
  };
  const std::string missing = (dir / "absent.json").string();
  CHECK(error(missing).rfind(fmt::format("{}: cannot open: No such file or directory", missing), 0) == 0);
  const std::string broken = write("broken.json", "{\"format\": ");
  CHECK(error(broken).rfind(fmt::format("{}: not valid JSON: ", broken), 0) == 0);
  const std::string deep = write("deep.json", std::string(100, '[') + std::string(100, ']'));
  CHECK(error(deep).rfind(fmt::format("{}: refused: nesting deeper than 64 levels", deep), 0) == 0);
  json bad = sample_json();
  bad["talks"][0]["vlan"] = 4095;
  const std::string vlan = write("vlan.json", bad.dump());
  CHECK(error(vlan) == fmt::format("{}: /talks/0/vlan: 4095 is not a VLAN id (1..4094)", vlan));
  const std::string big = write("big.json", std::string(kMaxStationConfigBytes + 1, ' '));
  CHECK(error(big).find("larger than 16777216 bytes") != std::string::npos);
  std::filesystem::remove_all(dir);
}
