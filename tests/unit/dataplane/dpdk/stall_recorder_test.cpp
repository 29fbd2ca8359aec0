// The packet loop's stalls reach /metrics at once and the stall log when the control thread
// drains the ring: one JSON object per line, in order, none lost while the ring has room.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/dpdk/stall_recorder.hpp"

using namespace takt;

namespace {

struct TempPath {
  std::string path = "/tmp/takt-stall-test-" + std::to_string(::getpid()) + ".jsonl";
  ~TempPath() { std::remove(path.c_str()); }
};

std::vector<nlohmann::json> read_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("stalls are counted in the metrics and written to the log when drained") {
  TempPath tmp;
  telemetry::MetricsRegistry registry(1);
  dpdk::StallRecorder rec(registry, "sw1", tmp.path);
  rec.record({tai_ns(1'000'000), tai_ns(3'000'000), Nanos{1'950'000}});
  rec.record({tai_ns(5'000'000), tai_ns(5'700'000), Nanos{600'000}});
  CHECK(read_lines(tmp.path).empty());  // nothing written from the packet side
  rec.drain();
  const auto lines = read_lines(tmp.path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["node"] == "sw1");
  CHECK(lines[0]["source"] == "packet-loop");
  CHECK(lines[0]["start-ns"] == 1'000'000);
  CHECK(lines[0]["end-ns"] == 3'000'000);
  CHECK(lines[0]["excess-ns"] == 1'950'000);
  CHECK(lines[1]["excess-ns"] == 600'000);
  rec.drain();  // an empty ring writes nothing more
  CHECK(read_lines(tmp.path).size() == 2);

  const std::string text = registry.render();
  CHECK(text.find("takt_dataplane_packet_loop_stalls_total 2") != std::string::npos);
  // 0.6 ms falls in the 0.631 ms bucket, 1.95 ms in the 2.089 ms one (the standard buckets).
  CHECK(text.find("takt_dataplane_packet_loop_stall_seconds_bucket{le=\"0.0005754\"} 0") != std::string::npos);
  CHECK(text.find("takt_dataplane_packet_loop_stall_seconds_bucket{le=\"0.000631\"} 1") != std::string::npos);
  CHECK(text.find("takt_dataplane_packet_loop_stall_seconds_bucket{le=\"0.001905\"} 1") != std::string::npos);
  CHECK(text.find("takt_dataplane_packet_loop_stall_seconds_bucket{le=\"0.002089\"} 2") != std::string::npos);
  CHECK(text.find("takt_dataplane_packet_loop_stall_seconds_count 2") != std::string::npos);
}

TEST_CASE("a full ring drops log lines, never blocks, and counts what it dropped") {
  TempPath tmp;
  telemetry::MetricsRegistry registry(1);
  dpdk::StallRecorder rec(registry, "sw2", tmp.path);
  for (int i = 0; i < 5000; ++i) rec.record({tai_ns(i * 10), tai_ns(i * 10 + 5), Nanos{5}});
  CHECK(rec.unlogged() > 0);
  rec.drain();
  const auto lines = read_lines(tmp.path);
  CHECK(lines.size() + rec.unlogged() == 5000);
  CHECK(lines.front()["start-ns"] == 0);  // the oldest are kept
  CHECK(registry.render().find("takt_dataplane_packet_loop_stalls_total 5000") != std::string::npos);
}

TEST_CASE("without a log path only the metrics see stalls, an unwritable log is an error naming it") {
  telemetry::MetricsRegistry registry(1);
  dpdk::StallRecorder rec(registry, "sw1", "");
  rec.record({tai_ns(0), tai_ns(1'000'000), Nanos{1'000'000}});
  rec.drain();
  CHECK(rec.unlogged() == 0);
  telemetry::MetricsRegistry other(1);
  CHECK_THROWS_WITH(dpdk::StallRecorder(other, "sw1", "/nonexistent-dir/stalls.jsonl"),
                    Catch::Contains("/nonexistent-dir/stalls.jsonl"));
}
