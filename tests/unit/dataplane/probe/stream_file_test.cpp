#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "dataplane/probe/stream_file.hpp"

using namespace takt;
using namespace takt::probe;
using nlohmann::json;

TEST_CASE("a talker-offset file from taktctl plan gives the talker everything it needs", "[probe][streams]") {
  const json doc = json::parse(R"({
    "format": "takt-talker-offsets/1", "plant": "cell", "end-station": "plc-1",
    "epoch": "TAI 0: interval k of a stream starts at k * interval-ns",
    "hyperperiod-ns": 1000000, "sync-error-budget-ns": 1000,
    "streams": [
      {"stream": "axis-1", "traffic-class": "scheduled", "interval-ns": 1000000, "offset-ns": 12500,
       "window-ns": 1344, "frames-per-interval": 2, "frame-payload-bytes": 100,
       "destination-mac": "01:80:c2:00:01:00", "vlan": 10, "pcp": 6, "listeners": ["drive-1"]},
      {"stream": "camera", "traffic-class": "bounded", "interval-ns": 250000,
       "frames-per-interval": 1, "frame-payload-bytes": 1500,
       "destination-mac": "02:00:00:00:00:09", "vlan": 20, "pcp": 4, "listeners": ["hmi"]}
    ]})");
  const auto streams = streams_from_json(doc, "plc-1.json");
  REQUIRE(streams.size() == 2);
  const ProbeStream& a = streams[0];
  CHECK(a.name == "axis-1");
  CHECK(a.id == probe_stream_id("axis-1"));
  CHECK(a.interval == Nanos{1'000'000});
  REQUIRE(a.offset);
  CHECK(*a.offset == Nanos{12'500});
  CHECK(a.frames_per_interval == 2);
  CHECK(a.payload_bytes == 100);
  REQUIRE(a.destination);
  CHECK(a.destination->to_string() == "01:80:c2:00:01:00");
  CHECK(a.vlan == 10);
  CHECK(a.pcp == 6);
  CHECK_FALSE(a.max_latency);      // a talker-offset file has none
  CHECK_FALSE(streams[1].offset);  // no reserved window: sent at the start of its interval
}

TEST_CASE("a plan.json gives offsets only for timed streams, and max-latency", "[probe][streams]") {
  const json doc = json::parse(R"({"format": "takt-plan/1", "streams": [
      {"name": "s1", "timed": true, "talker-offset-ns": 3000, "interval-ns": 500000, "frame-payload": 64,
       "frames-per-interval": 1, "destination-mac": "02:00:00:00:00:01", "vlan": 5, "pcp": 7,
       "max-latency-ns": 100000},
      {"name": "s2", "timed": false, "talker-offset-ns": 0, "interval-ns": 1000000, "frame-payload": 64,
       "frames-per-interval": 1, "destination-mac": "", "vlan": 5, "pcp": 0, "max-latency-ns": 0}]})");
  const auto streams = streams_from_json(doc, "plan.json");
  REQUIRE(streams.size() == 2);
  CHECK(streams[0].offset == Nanos{3000});
  CHECK(streams[0].max_latency == Nanos{100'000});
  CHECK(streams[0].payload_bytes == 64);
  CHECK_FALSE(streams[1].offset);
  CHECK_FALSE(streams[1].max_latency);  // 0 means none
  CHECK_FALSE(streams[1].destination);
}

TEST_CASE("unusable streams are reported with a JSON pointer", "[probe][streams]") {
  auto doc = [](const std::string& stream) { return json::parse(R"({"streams": [)" + stream + "]}"); };
  CHECK_THROWS_WITH(streams_from_json(doc(R"({"stream": "a"})"), "f.json"),
                    "f.json: /streams/0/interval-ns: is missing");
  CHECK_THROWS_WITH(streams_from_json(doc(R"({"stream": "a", "interval-ns": "1ms"})"), "f.json"),
                    Catch::StartsWith("f.json: /streams/0/interval-ns: must be an integer"));
  CHECK_THROWS_WITH(streams_from_json(doc(R"({"stream": "a", "interval-ns": 1000, "offset-ns": 1000})"), "f.json"),
                    Catch::Contains("/streams/0/offset-ns") && Catch::Contains("outside the interval"));
  CHECK_THROWS_WITH(
      streams_from_json(doc(R"({"stream": "a", "interval-ns": 1000, "destination-mac": "nope"})"), "f.json"),
      Catch::Contains("/streams/0/destination-mac") && Catch::Contains("'nope'"));
  CHECK_THROWS_WITH(streams_from_json(doc(R"({"stream": "a", "interval-ns": 1000, "pcp": 8})"), "f.json"),
                    Catch::Contains("/streams/0/pcp"));
  CHECK_THROWS_WITH(streams_from_json(doc(R"({"stream": "a", "interval-ns": 1000, "vlan": 4095})"), "f.json"),
                    Catch::Contains("/streams/0/vlan"));
  CHECK_THROWS_WITH(streams_from_json(doc(R"({"interval-ns": 1000})"), "f.json"), Catch::Contains("names no stream"));
  CHECK_THROWS_WITH(
      streams_from_json(doc(R"({"stream": "a", "interval-ns": 1000}, {"stream": "a", "interval-ns": 1000})"), "f.json"),
      Catch::Contains("'a' is listed twice"));
  CHECK_THROWS_WITH(streams_from_json(json::parse("{}"), "f.json"), Catch::Contains("no \"streams\" array"));
  CHECK_THROWS_WITH(load_stream_file("/nonexistent/x.json"), Catch::Contains("/nonexistent/x.json: cannot open"));
}

TEST_CASE("unknown members are ignored so newer exports still load", "[probe][streams]") {
  const json doc = json::parse(R"({"streams": [{"stream": "a", "interval-ns": 1000, "future-field": {"x": 1}}]})");
  CHECK(streams_from_json(doc, "f.json").size() == 1);
}

TEST_CASE("select_streams keeps file order and names unknown streams", "[probe][streams]") {
  const json doc =
      json::parse(R"({"streams": [{"stream": "a", "interval-ns": 1000}, {"stream": "b", "interval-ns": 1000},
                                               {"stream": "c", "interval-ns": 1000}]})");
  const auto all = streams_from_json(doc, "f.json");
  CHECK(select_streams(all, {}).size() == 3);
  const auto some = select_streams(all, {"c", "a"});
  REQUIRE(some.size() == 2);
  CHECK(some[0].name == "a");
  CHECK(some[1].name == "c");
  CHECK_THROWS_WITH(select_streams(all, {"d"}), "stream 'd' is not in the stream file (it has: a, b, c)");
}

TEST_CASE("a stream file nested 100,000 levels deep is refused naming the limit, not a crash", "[probe][streams]") {
  const auto path =
      std::filesystem::temp_directory_path() / ("takt-probe-nested-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << R"({"streams": [{"stream": "a", "interval-ns": )" << std::string(100'000, '[')
                      << std::string(100'000, ']') << "}]}";
  CHECK_THROWS_WITH(load_stream_file(path.string()), Catch::Contains("nesting deeper than 64 levels"));
  std::filesystem::remove(path);
  // Within the limit, the error quotes a short excerpt of the value instead of all of it.
  json deep = json::array();
  for (int i = 0; i < 50; ++i) deep = json::array({deep, std::string(1000, 'x')});
  json document{{"streams", json::array({json{{"stream", "a"}, {"interval-ns", deep}}})}};
  try {
    (void)streams_from_json(document, "f.json");
    FAIL("accepted");
  } catch (const std::exception& e) {
    CHECK_THAT(e.what(), Catch::Contains("an array of 2 elements"));
    CHECK(std::string(e.what()).size() < 500);
  }
}
