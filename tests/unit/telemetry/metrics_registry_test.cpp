#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>

#include "telemetry/metrics_registry.hpp"
#include "sample_exposition.hpp"

using takt::Nanos;
using namespace takt::telemetry;

TEST_CASE("the sample registry renders exactly the golden exposition", "[telemetry][registry][golden]") {
  MetricsRegistry reg(testing::sample_writers);
  testing::fill_sample_registry(reg);
  const std::string expected =
      R"(# HELP takt_stream_latency_seconds End-to-end latency of a stream's frames, talker to listener.
# TYPE takt_stream_latency_seconds histogram
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000121"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000147"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000178"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000215"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000261"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000316"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000383"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000464"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000562"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000681"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000825"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000121"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000147"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000178"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000215"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000261"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000316"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000383"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000464"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000562"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000681"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000825"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000121"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000147"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000178"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000215"} 2
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00025"} 3
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000261"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000316"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000383"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000464"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000562"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000681"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000825"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00121"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00147"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00178"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00215"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00261"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00316"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00383"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00464"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00562"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00681"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00825"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0121"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0147"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0178"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0215"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0261"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0316"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0383"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0464"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0562"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0681"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0825"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.1"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="+Inf"} 5
takt_stream_latency_seconds_sum{stream="axis-1"} 0.200681001
takt_stream_latency_seconds_count{stream="axis-1"} 5
takt_stream_latency_seconds_bucket{stream="drive-7",le="0.0001"} 0
takt_stream_latency_seconds_bucket{stream="drive-7",le="0.001"} 0
takt_stream_latency_seconds_bucket{stream="drive-7",le="+Inf"} 0
takt_stream_latency_seconds_sum{stream="drive-7"} 0
takt_stream_latency_seconds_count{stream="drive-7"} 0
# HELP takt_frames_dropped_total Frames dropped by the switch, by port and reason.
# TYPE takt_frames_dropped_total counter
takt_frames_dropped_total{port="p0",reason="gate_closed"} 3
takt_frames_dropped_total{port="p1",reason="psfp \"max-sdu\" C:\\tsn\nsecond line"} 2
# HELP takt_port_rx_bytes_total Bytes received on a port, as the NIC counts them.
# TYPE takt_port_rx_bytes_total counter
takt_port_rx_bytes_total{port="p0"} 123456789012
# HELP takt_ptp_offset_seconds Offset of the local clock from the grandmaster, as ptp4l reports it.
# TYPE takt_ptp_offset_seconds gauge
takt_ptp_offset_seconds -1.5e-08
# HELP takt_tx_queue_frames Frames waiting in a traffic class queue.
# TYPE takt_tx_queue_frames gauge
takt_tx_queue_frames{port="p0",traffic_class="7"} 4
)";
  CHECK(reg.render() == expected);
  // Rendering reads, it never resets: a second scrape sees the same numbers.
  CHECK(reg.render() == expected);
}

TEST_CASE("series are created once and handed out again for the same labels", "[telemetry][registry]") {
  MetricsRegistry reg(2);
  auto& frames = reg.counter("takt_frames_total", "Frames.", {"port"});
  ShardedCounter& p0 = frames.with({"p0"});
  p0.add(0, 5);
  p0.add(1, 7);
  CHECK(&frames.with({"p0"}) == &p0);
  CHECK(frames.with({"p0"}).value() == 12);
  CHECK(&reg.counter("takt_frames_total", "Frames.", {"port"}) == &frames);

  auto& lat = reg.histogram("takt_residence_seconds", "Residence.", {"port"});
  LatencyHistogram& h = lat.with({"p0"}, LatencyBuckets::standard());
  CHECK(&lat.with({"p0"}, LatencyBuckets::standard()) == &h);
  CHECK(h.writers() == 2);
  CHECK_THROWS_WITH(lat.with({"p0"}, LatencyBuckets::with_deadline(Nanos{250'000})),
                    Catch::Contains("takt_residence_seconds{port=\"p0\"}") && Catch::Contains("other bucket bounds"));

  auto& depth = reg.gauge("takt_queue_frames", "Depth.");
  depth.with({}).set(3);
  depth.with({}).add(-1);
  CHECK(depth.with({}).value() == 2.0);
}

TEST_CASE("callbacks are evaluated at every scrape", "[telemetry][registry]") {
  MetricsRegistry reg;
  double offset = 0.25;
  std::uint64_t bytes = 10;
  reg.gauge("takt_clock_offset_seconds", "Offset.").with_callback({}, [&] { return offset; });
  reg.counter("takt_rx_bytes_total", "Bytes.").with_callback({}, [&] { return bytes; });
  CHECK(reg.render().find("takt_clock_offset_seconds 0.25\n") != std::string::npos);
  offset = -0.5;
  bytes = 4096;
  const std::string second = reg.render();
  CHECK(second.find("takt_clock_offset_seconds -0.5\n") != std::string::npos);
  CHECK(second.find("takt_rx_bytes_total 4096\n") != std::string::npos);

  auto& g = reg.gauge("takt_clock_offset_seconds", "Offset.");
  CHECK_THROWS_WITH(g.with({}), Catch::Contains("read by a callback"));
  CHECK_THROWS_WITH(g.with_callback({}, [] { return 1.0; }), Catch::Contains("already declared"));
  CHECK_THROWS_WITH(reg.gauge("takt_other", "x").with_callback({}, nullptr), Catch::Contains("callback is empty"));
}

TEST_CASE("a histogram read by a callback renders its buckets cumulatively at every scrape", "[telemetry][registry]") {
  // As takt-station exposes the per-CPU histograms its eBPF programs keep.
  MetricsRegistry reg;
  const std::vector<Nanos> bounds{Nanos{1'000}, Nanos{10'000}};
  const LatencyBuckets buckets(bounds);
  HistogramSnapshot snap;
  snap.counts[0] = 2;  // <= 1 us
  snap.counts[1] = 3;  // <= 10 us
  snap.counts[2] = 1;  // +Inf
  snap.count = 6;
  snap.sum_ns = 40'000;
  auto& family = reg.histogram("takt_station_latency_seconds", "Latency.", {"stream"});
  family.with_callback({"axis"}, buckets, [&] { return snap; });
  std::string text = reg.render();
  CHECK(text.find("takt_station_latency_seconds_bucket{stream=\"axis\",le=\"0.000001\"} 2\n") != std::string::npos);
  CHECK(text.find("takt_station_latency_seconds_bucket{stream=\"axis\",le=\"0.00001\"} 5\n") != std::string::npos);
  CHECK(text.find("takt_station_latency_seconds_bucket{stream=\"axis\",le=\"+Inf\"} 6\n") != std::string::npos);
  CHECK(text.find("takt_station_latency_seconds_sum{stream=\"axis\"} 0.00004\n") != std::string::npos);
  snap.counts[0] = 7;
  snap.count = 11;
  text = reg.render();
  CHECK(text.find("takt_station_latency_seconds_count{stream=\"axis\"} 11\n") != std::string::npos);
  // A callback series has nothing to record into, and is declared once.
  CHECK_THROWS_WITH(family.with({"axis"}, buckets), Catch::Contains("read by a callback"));
  CHECK_THROWS_WITH(family.with_callback({"axis"}, buckets, [&] { return snap; }), Catch::Contains("already declared"));
  CHECK_THROWS_WITH(family.with_callback({"other"}, buckets, nullptr), Catch::Contains("callback is empty"));
}

TEST_CASE("declarations that break naming rules are refused with the reason", "[telemetry][registry]") {
  MetricsRegistry reg;
  CHECK_THROWS_WITH(reg.counter("takt_frames", "x"), Catch::Contains("must end in _total"));
  CHECK_THROWS_WITH(reg.histogram("takt_latency_us", "x"), Catch::Contains("must end in _seconds"));
  CHECK_THROWS_WITH(reg.gauge("takt_up_total", "x"), Catch::Contains("must not end in _total"));
  CHECK_THROWS_WITH(reg.gauge("takt-up", "x"), Catch::Contains("is not a Prometheus metric name"));
  CHECK_THROWS_WITH(reg.counter("takt_x_total", "x", {"port", "port"}), Catch::Contains("appears twice"));
  CHECK_THROWS_WITH(reg.counter("takt_x_total", "x", {"__name__"}), Catch::Contains("not a Prometheus label name"));
  CHECK_THROWS_WITH(reg.histogram("takt_x_seconds", "x", {"le"}), Catch::Contains("reserved for bucket bounds"));

  reg.counter("takt_frames_total", "Frames.", {"port"});
  CHECK_THROWS_WITH(reg.counter("takt_frames_total", "Frames.", {"stream"}), Catch::Contains("already declared"));
  CHECK_THROWS_WITH(reg.counter("takt_frames_total", "Other help.", {"port"}), Catch::Contains("already declared"));
  CHECK_THROWS_WITH(reg.gauge("takt_frames_total", "Frames.", {"port"}), Catch::Contains("must not end in _total"));

  reg.histogram("takt_delay_seconds", "Delay.");
  CHECK_THROWS_WITH(reg.gauge("takt_delay_seconds", "Delay."), Catch::Contains("already declared as a histogram"));
  CHECK_THROWS_WITH(reg.gauge("takt_delay_seconds_bucket", "x"), Catch::Contains("must not end in _bucket"));
  auto& frames = reg.counter("takt_frames_total", "Frames.", {"port"});
  CHECK_THROWS_WITH(frames.with({}), Catch::Contains("has labels (port) but 0 label value(s) were given"));
  CHECK_THROWS_WITH(frames.with({"p0", "extra"}), Catch::Contains("but 2 label value(s)"));
  CHECK_THROWS_WITH(MetricsRegistry(0), Catch::Contains("at least one writer"));
}

TEST_CASE("families without series are left out of the exposition", "[telemetry][registry]") {
  MetricsRegistry reg;
  reg.counter("takt_a_total", "A.", {"stream"});
  CHECK(reg.render().empty());
  reg.counter("takt_a_total", "A.", {"stream"}).with({"s1"});
  CHECK(reg.render() == "# HELP takt_a_total A.\n# TYPE takt_a_total counter\ntakt_a_total{stream=\"s1\"} 0\n");
}

TEST_CASE("rendering while writers record and series are added is safe and consistent",
          "[telemetry][registry][threads]") {
  constexpr std::size_t writers = 2;
  constexpr int per_writer = 100'000;
  MetricsRegistry reg(writers);
  auto& lat = reg.histogram("takt_stream_latency_seconds", "Latency.", {"stream"});
  auto& frames = reg.counter("takt_frames_total", "Frames.", {"stream"});
  LatencyHistogram& h = lat.with({"s1"}, LatencyBuckets::with_deadline(Nanos{300'000}));
  ShardedCounter& c = frames.with({"s1"});

  std::atomic<bool> done{false};
  std::thread scraper([&] {
    std::string out;
    int i = 0;
    while (!done.load()) {
      out.clear();
      reg.render(out);
      // The control side declares streams while scrapes run.
      if (i < 50) lat.with({"extra-" + std::to_string(i++)}, LatencyBuckets::standard());
    }
  });
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i) {
        h.record(w, Nanos{300'000});
        c.add(w);
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  scraper.join();

  const std::string text = reg.render();
  CHECK(text.find("takt_stream_latency_seconds_bucket{stream=\"s1\",le=\"0.0003\"} 200000\n") != std::string::npos);
  CHECK(text.find("takt_stream_latency_seconds_bucket{stream=\"s1\",le=\"0.000261\"} 0\n") != std::string::npos);
  CHECK(text.find("takt_stream_latency_seconds_sum{stream=\"s1\"} 60\n") != std::string::npos);
  CHECK(text.find("takt_stream_latency_seconds_count{stream=\"s1\"} 200000\n") != std::string::npos);
  CHECK(text.find("takt_frames_total{stream=\"s1\"} 200000\n") != std::string::npos);
}
