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
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001096"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001202"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001318"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001445"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001585"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001738"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000001905"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000002089"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000002291"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000002512"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000002754"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000302"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000003311"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000003631"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000003981"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000004365"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000004786"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000005248"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000005754"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000631"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000006918"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000007586"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000008318"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00000912"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001096"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001202"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001318"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001445"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001585"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001738"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00001905"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00002089"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00002291"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00002512"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00002754"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000302"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00003311"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00003631"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00003981"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00004365"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00004786"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00005248"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00005754"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000631"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00006918"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00007586"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00008318"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0000912"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001096"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001202"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001318"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001445"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001585"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001738"} 1
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0001905"} 2
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0002089"} 2
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0002291"} 2
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00025"} 3
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0002512"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0002754"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000302"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0003311"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0003631"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0003981"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0004365"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0004786"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0005248"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0005754"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000631"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0006918"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0007586"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0008318"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.000912"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001096"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001202"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001318"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001445"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001585"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001738"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.001905"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.002089"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.002291"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.002512"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.002754"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00302"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.003311"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.003631"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.003981"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.004365"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.004786"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.005248"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.005754"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00631"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.006918"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.007586"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.008318"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.00912"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01096"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01202"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01318"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01445"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01585"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01738"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.01905"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.02089"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.02291"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.02512"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.02754"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0302"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.03311"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.03631"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.03981"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.04365"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.04786"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.05248"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.05754"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0631"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.06918"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.07586"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.08318"} 4
takt_stream_latency_seconds_bucket{stream="axis-1",le="0.0912"} 4
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
  CHECK(text.find("takt_stream_latency_seconds_bucket{stream=\"s1\",le=\"0.0002754\"} 0\n") != std::string::npos);
  CHECK(text.find("takt_stream_latency_seconds_sum{stream=\"s1\"} 60\n") != std::string::npos);
  CHECK(text.find("takt_stream_latency_seconds_count{stream=\"s1\"} 200000\n") != std::string::npos);
  CHECK(text.find("takt_frames_total{stream=\"s1\"} 200000\n") != std::string::npos);
}
