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
