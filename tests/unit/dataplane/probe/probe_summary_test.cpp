#include <catch2/catch.hpp>

#include "dataplane/probe/probe_summary.hpp"

using namespace takt;
using namespace takt::probe;

namespace {

StreamReport report(const std::string& name, std::uint64_t received, std::uint64_t lost, std::uint64_t misses) {
  StreamReport r;
  r.stream = name;
  r.max_latency = Nanos{500'000};
  r.counts.received = received;
  r.counts.lost = lost;
  r.deadline_misses = misses;
  r.latency_samples = received;
  r.p50 = Nanos{12'345};
  r.p99 = Nanos{40'000};
  r.max = Nanos{90'000};
  return r;
}

}  // namespace

TEST_CASE("the listener table shows latency against max-latency and a verdict per stream", "[probe][summary]") {
  const auto table = listener_table({report("axis-1", 1000, 0, 0), report("camera", 990, 10, 5)});
  INFO(table);
  CHECK(table.find("stream") == 0);
  CHECK(table.find("max-latency us") != std::string::npos);
  CHECK(table.find("12.35") != std::string::npos);   // p50 in us
  CHECK(table.find("500.00") != std::string::npos);  // max-latency in us
  CHECK(table.find("99.495") != std::string::npos);  // on-time % of camera: 985/990
  CHECK(table.find("LATE+LOSS") != std::string::npos);
  CHECK(table.find(" ok\n") != std::string::npos);
}

TEST_CASE("the JSON summary carries the same numbers for scripts", "[probe][summary]") {
  const auto j = listener_summary_json({report("axis-1", 1000, 0, 0), report("silent", 0, 0, 0)}, 3);
  CHECK(j["format"] == "takt-probe-summary/1");
  CHECK(j["role"] == "listener");
  CHECK(j["socket-drops"] == 3);
  CHECK(j["all-on-time"] == false);  // a stream that received nothing is not on time
  const auto& s = j["streams"][0];
  CHECK(s["stream"] == "axis-1");
  CHECK(s["received"] == 1000);
  CHECK(s["latency-ns"]["p99"] == 40'000);
  CHECK(s["max-latency-ns"] == 500'000);
  CHECK(s["on-time-ratio"] == 1.0);
  CHECK(s["verdict"] == "ok");
  CHECK(j["streams"][1]["verdict"] == "silent");
  CHECK(all_on_time({report("axis-1", 1000, 0, 0)}));
  CHECK_FALSE(all_on_time({report("axis-1", 1000, 1, 0)}));
}

TEST_CASE("the JSON summaries list late frames and the talker's late sends, times in TAI ns", "[probe][summary]") {
  StreamReport r = report("axis-1", 1000, 0, 2);
  r.late_frames = {{7, tai_ns(1'000'000), tai_ns(4'000'000)}, {9, tai_ns(2'000'000), tai_ns(9'000'000)}};
  const auto j = listener_summary_json({r}, 0);
  const auto& late = j["streams"][0]["late-frames"];
  REQUIRE(late.size() == 2);
  CHECK(late[0]["sequence"] == 7);
  CHECK(late[0]["transmitted-ns"] == 1'000'000);
  CHECK(late[0]["received-ns"] == 4'000'000);
  CHECK(late[1]["sequence"] == 9);
  CHECK(j["streams"][0]["late-frames-not-kept"] == 0);

  TalkerStreamReport t;
  t.stream = "axis-1";
  t.sent = 100;
  t.stalls = {{tai_ns(5'000'000), tai_ns(6'200'000), Nanos{1'200'000}}};
  const auto tj = talker_summary_json({t}, 0xabcd, Nanos{200'000});
  CHECK(tj["stall-threshold-ns"] == 200'000);
  const auto& stalls = tj["streams"][0]["stalls"];
  REQUIRE(stalls.size() == 1);
  CHECK(stalls[0]["start-ns"] == 5'000'000);
  CHECK(stalls[0]["end-ns"] == 6'200'000);
  CHECK(stalls[0]["excess-ns"] == 1'200'000);
  CHECK(tj["streams"][0]["stalls-not-kept"] == 0);
}
