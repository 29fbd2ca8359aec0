#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "telemetry/metrics_registry.hpp"
#include "dataplane/probe/probe_frame.hpp"
#include "dataplane/probe/probe_receiver.hpp"

using namespace takt;
using namespace takt::probe;
using takt::telemetry::MetricsRegistry;

namespace {

ProbeStream stream(const std::string& name, std::optional<Nanos> max_latency) {
  ProbeStream s;
  s.name = name;
  s.id = probe_stream_id(name);
  s.interval = Nanos{1'000'000};
  s.payload_bytes = 64;
  s.destination = MacAddress::parse("02:00:00:00:00:02");
  s.vlan = 10;
  s.pcp = 6;
  s.max_latency = max_latency;
  return s;
}

const MacAddress kSource = *MacAddress::parse("02:00:00:00:00:01");

// What the kernel hands a listener when it stripped the VLAN tag into packet metadata.
std::vector<std::byte> strip_tag(const std::vector<std::byte>& tagged) {
  std::vector<std::byte> out(tagged.begin(), tagged.begin() + 12);
  out.insert(out.end(), tagged.begin() + 16, tagged.end());
  return out;
}

bool contains(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_CASE("the receiver records latency, loss, duplicates and deadline misses per stream", "[probe][receiver]") {
  MetricsRegistry registry;
  const auto axis = stream("axis-1", Nanos{250'000});
  const auto cam = stream("camera", std::nullopt);
  ProbeReceiver rx({axis, cam}, registry);
  ProbeFrame f = build_probe_frame(axis, kSource, 1);

  // seq: latency (us)  0:10  1:20  3:300 (miss)  3 again (dup)  2:400 late (miss)  4:250 (on time: le)
  struct Step {
    std::uint64_t seq;
    std::int64_t latency_us;
    bool stripped;
  };
  const std::int64_t t0 = 1'000'000'000'000;
  for (const Step& s : {Step{0, 10, false}, Step{1, 20, true}, Step{3, 300, false}, Step{3, 300, true},
                        Step{2, 400, true}, Step{4, 250, false}}) {
    const std::int64_t tx = t0 + static_cast<std::int64_t>(s.seq) * 1'000'000;
    stamp(f.payload(), s.seq, tai_ns(tx));
    const auto bytes = s.stripped ? strip_tag(f.bytes) : f.bytes;
    CHECK(rx.on_frame(bytes, tai_ns(tx + s.latency_us * 1000)) == FrameVerdict::recorded);
  }

  const auto report = rx.report();
  REQUIRE(report.size() == 2);
  const StreamReport& r = report[0];
  CHECK(r.stream == "axis-1");
  CHECK(r.counts.received == 5);
  CHECK(r.counts.duplicated == 1);
  CHECK(r.counts.reordered == 1);
  CHECK(r.counts.lost == 0);
  CHECK(r.deadline_misses == 2);
  CHECK(r.latency_samples == 5);
  CHECK(r.on_time_ratio() == Approx(3.0 / 5.0));
  CHECK(r.max == Nanos{400'000});
  CHECK(r.min == Nanos{10'000});
  CHECK(report[1].counts.received == 0);
  // The two misses, in arrival order, with the times needed to look for what delayed them.
  REQUIRE(r.late_frames.size() == 2);
  CHECK(r.late_frames[0] == LateFrame{3, tai_ns(t0 + 3'000'000), tai_ns(t0 + 3'300'000)});
  CHECK(r.late_frames[1] == LateFrame{2, tai_ns(t0 + 2'000'000), tai_ns(t0 + 2'400'000)});
  CHECK(r.late_frames_not_kept == 0);

  const std::string text = registry.render();
  CHECK(contains(text, R"(takt_probe_latency_seconds_bucket{stream="axis-1",le="0.00025"} 3)"));
  CHECK(contains(text, R"(takt_probe_latency_seconds_count{stream="axis-1"} 5)"));
  CHECK(contains(text, R"(takt_probe_latency_seconds_sum{stream="axis-1"} 0.00098)"));
  CHECK(contains(text, R"(takt_probe_frames_received_total{stream="axis-1"} 5)"));
  CHECK(contains(text, R"(takt_probe_frames_duplicated_total{stream="axis-1"} 1)"));
  CHECK(contains(text, R"(takt_probe_frames_reordered_total{stream="axis-1"} 1)"));
  CHECK(contains(text, R"(takt_probe_deadline_misses_total{stream="axis-1"} 2)"));
  CHECK(contains(text, R"(takt_probe_max_latency_seconds{stream="axis-1"} 0.00025)"));
  // A stream without a deadline has the standard buckets and no deadline series.
  CHECK(contains(text, R"(takt_probe_latency_seconds_count{stream="camera"} 0)"));
  CHECK_FALSE(contains(text, R"(takt_probe_deadline_misses_total{stream="camera"} 0)"));
}

TEST_CASE("gaps become losses when the stream falls silent or the listener stops", "[probe][receiver]") {
  MetricsRegistry registry;
  const auto axis = stream("axis-1", Nanos{1'000'000});
  ProbeReceiver rx({axis}, registry);
  ProbeFrame f = build_probe_frame(axis, kSource, 1);
  for (std::uint64_t seq : {0, 1, 4}) {
    stamp(f.payload(), seq, tai_ns(1000));
    rx.on_frame(f.bytes, tai_ns(2000));
  }
  CHECK(rx.flush_silent(tai_ns(2000 + 100), Nanos{500}) == 0);  // not silent long enough
  CHECK(rx.flush_silent(tai_ns(2000 + 500), Nanos{500}) == 2);
  CHECK(contains(registry.render(), R"(takt_probe_frames_lost_total{stream="axis-1"} 2)"));

  stamp(f.payload(), 6, tai_ns(3000));
  rx.on_frame(f.bytes, tai_ns(4000));
  rx.flush_all();
  CHECK(rx.report()[0].counts.lost == 3);
  CHECK(contains(registry.render(), R"(takt_probe_frames_lost_total{stream="axis-1"} 3)"));
}

TEST_CASE("other traffic and other streams' probe frames are not recorded", "[probe][receiver]") {
  MetricsRegistry registry;
  ProbeReceiver rx({stream("axis-1", Nanos{1'000'000})}, registry);

  ProbeFrame other = build_probe_frame(stream("someone-else", std::nullopt), kSource, 1);
  CHECK(rx.on_frame(other.bytes, tai_ns(0)) == FrameVerdict::unknown_stream);

  std::vector<std::byte> ipv4(60, std::byte{0});
  ipv4[12] = std::byte{0x08};
  CHECK(rx.on_frame(ipv4, tai_ns(0)) == FrameVerdict::not_probe);
  CHECK(rx.on_frame(std::span<const std::byte>(ipv4).first(10), tai_ns(0)) == FrameVerdict::not_probe);
  ProbeFrame truncated = build_probe_frame(stream("axis-1", std::nullopt), kSource, 1);
  CHECK(rx.on_frame(std::span<const std::byte>(truncated.bytes).first(18 + 31), tai_ns(0)) == FrameVerdict::not_probe);

  CHECK(rx.report()[0].counts.received == 0);
  CHECK(contains(registry.render(), "takt_probe_unknown_stream_frames_total 1"));
}

TEST_CASE("the receiver keeps the first late frames and counts the rest", "[probe][receiver]") {
  MetricsRegistry registry;
  const auto axis = stream("axis-1", Nanos{1'000});
  ProbeReceiver rx({axis}, registry);
  ProbeFrame f = build_probe_frame(axis, kSource, 1);
  const std::uint64_t n = StreamReport::kMaxLateFrames + 5;
  for (std::uint64_t seq = 0; seq < n; ++seq) {
    const std::int64_t tx = 1'000'000'000 + static_cast<std::int64_t>(seq) * 1'000'000;
    stamp(f.payload(), seq, tai_ns(tx));
    rx.on_frame(f.bytes, tai_ns(tx + 2'000));
  }
  const auto r = rx.report().at(0);
  CHECK(r.deadline_misses == n);
  CHECK(r.late_frames.size() == StreamReport::kMaxLateFrames);
  CHECK(r.late_frames_not_kept == 5);
  CHECK(r.late_frames.front().sequence == 0);
}
