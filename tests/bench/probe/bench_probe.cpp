// What one received probe frame costs the listener: ProbeReceiver::on_frame (Ethernet/VLAN
// parse, header decode, stream lookup, sequence tracking, histogram + counters + summary
// sketch), alone and while an exporter scrapes the registry (a thread rendering /metrics back
// to back, and a client GETting /metrics from the takt_metrics_http server in a loop), plus
// the cost of each step on its own. The back-to-back scrapers are a worst case (thousands of
// scrapes a second against Prometheus' one); the 1 ms one is still 1000x a real scrape rate.
// Prints a table; median of --repeats runs. On a shared 2-core machine the scraper threads
// also take CPU time from the writer, so run it on a quiet machine for comparable figures.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <utility>  // before Asio (Boost 1.74)
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "dataplane/core/frame.hpp"
#include "telemetry/metrics_registry.hpp"
#include "telemetry/metrics_http_server.hpp"
#include "dataplane/probe/probe_frame.hpp"
#include "dataplane/probe/probe_receiver.hpp"

namespace {

using namespace takt;
using namespace takt::probe;
using takt::telemetry::MetricsRegistry;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kPattern = 4096;  // power of two: the index is a mask
const MacAddress kSource = *MacAddress::parse("02:00:00:00:00:01");

// Streams with deadlines between 100 us and 1 ms, their prepared frames, and a drawn pattern
// of (stream, latency) so the loop measures the receive path, not the RNG.
struct Workload {
  std::vector<ProbeStream> streams;
  std::vector<ProbeFrame> frames;
  std::vector<std::uint32_t> stream_of;
  std::vector<std::int64_t> latency_ns;
};

Workload make_workload(std::size_t streams) {
  Workload w;
  for (std::size_t i = 0; i < streams; ++i) {
    ProbeStream s;
    s.name = "stream-" + std::to_string(i);
    s.id = probe_stream_id(s.name);
    s.interval = Nanos{250'000};
    s.payload_bytes = 64;
    s.destination = MacAddress::parse("02:00:00:00:00:02");
    s.vlan = 100;
    s.pcp = 6;
    s.max_latency = Nanos{100'000 + static_cast<std::int64_t>(i % 37) * 25'000};
    w.frames.push_back(build_probe_frame(s, kSource, 1));
    w.streams.push_back(std::move(s));
  }
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> body(std::log(20'000.0), 0.7);
  std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(streams - 1));
  for (std::size_t i = 0; i < kPattern; ++i) {
    w.stream_of.push_back(pick(rng));
    w.latency_ns.push_back(static_cast<std::int64_t>(body(rng)));
  }
  return w;
}

template <class F>
double ns_per(std::uint64_t samples, F&& body) {
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < samples; ++i) body(i);
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(samples);
}

// One run of the listener path over `samples` frames: every stream's sequence numbers in
// order, receive time = transmit time + drawn latency.
double receive_run(Workload& w, ProbeReceiver& rx, std::uint64_t samples, std::vector<std::uint64_t>& next_seq) {
  std::int64_t t = 1'000'000'000'000;
  return ns_per(samples, [&](std::uint64_t i) {
    const std::size_t k = i & (kPattern - 1);
    const std::uint32_t s = w.stream_of[k];
    ProbeFrame& f = w.frames[s];
    t += 250;
    stamp(f.payload(), next_seq[s]++, tai_ns(t));
    rx.on_frame(f.bytes, tai_ns(t + w.latency_ns[k]));
  });
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Blocking GET /metrics on a kept-alive connection, as Prometheus scrapes.
class Scraper {
 public:
  explicit Scraper(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  std::size_t get() {
    namespace http = boost::beast::http;
    http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return res.body().size();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

struct Row {
  std::string scenario;
  double ns;
  std::string note;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ns per received probe frame in takt-probe's listener path"};
  std::uint64_t samples = 5'000'000;
  std::size_t streams = 16;
  int repeats = 5;
  app.add_option("--samples", samples, "frames per run")->check(CLI::PositiveNumber);
  app.add_option("--streams", streams, "streams the listener measures")->check(CLI::Range(1, 1000));
  app.add_option("--repeats", repeats, "runs per scenario; the median is reported")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  Workload w = make_workload(streams);
  std::vector<Row> rows;
  auto runs = [&](auto&& once) {
    std::vector<double> v;
    for (int r = 0; r < repeats; ++r) v.push_back(once());
    return median(v);
  };

  // The whole path, a fresh receiver per scenario so every run continues the sequences.
  auto whole_path = [&](const std::string& label, auto&& around) {
    MetricsRegistry registry;
    ProbeReceiver rx(w.streams, registry);
    std::vector<std::uint64_t> seq(streams, 0);
    std::string note;
    const double ns = runs([&] {
      return around(
          registry, [&] { return receive_run(w, rx, samples, seq); }, note);
    });
    rows.push_back({label, ns, note});
  };

  whole_path(fmt::format("on_frame, {} streams, no scraping", streams),
             [](MetricsRegistry&, auto&& run, std::string&) { return run(); });

  whole_path(fmt::format("on_frame, {} streams, render loop", streams),
             [](MetricsRegistry& registry, auto&& run, std::string& note) {
               std::atomic<bool> stop{false};
               std::uint64_t n = 0;
               std::size_t bytes = 0;
               std::thread scraper([&] {
                 std::string out;
                 while (!stop.load(std::memory_order_relaxed)) {
                   out.clear();
                   registry.render(out);
                   ++n;
                 }
                 bytes = out.size();
               });
               const double ns = run();
               stop = true;
               scraper.join();
               note = fmt::format("{} renders of {} kB during the last run", n, bytes / 1024);
               return ns;
             });

  whole_path(fmt::format("on_frame, {} streams, HTTP GET /metrics every 1 ms", streams),
             [](MetricsRegistry& registry, auto&& run, std::string& note) {
               telemetry::MetricsHttpServer server(registry, {"127.0.0.1", 0, "bench"});
               std::atomic<bool> stop{false};
               std::uint64_t n = 0;
               std::thread client([&] {
                 Scraper scraper(server.port());
                 while (!stop.load(std::memory_order_relaxed)) {
                   scraper.get();
                   ++n;
                   std::this_thread::sleep_for(std::chrono::milliseconds(1));
                 }
               });
               const double ns = run();
               stop = true;
               client.join();
               note = fmt::format("{} scrapes (1000x Prometheus' 1 s interval)", n);
               return ns;
             });

  whole_path(fmt::format("on_frame, {} streams, HTTP GET /metrics loop", streams),
             [](MetricsRegistry& registry, auto&& run, std::string& note) {
               telemetry::MetricsHttpServer server(registry, {"127.0.0.1", 0, "bench"});
               std::atomic<bool> stop{false};
               std::uint64_t n = 0;
               std::thread client([&] {
                 Scraper scraper(server.port());
                 while (!stop.load(std::memory_order_relaxed)) {
                   scraper.get();
                   ++n;
                 }
               });
               const double ns = run();
               stop = true;
               client.join();
               note = fmt::format("{} scrapes via takt_metrics_http during the last run", n);
               return ns;
             });

  // The steps on their own, over the same pattern.
  {
    ProbeFrame& f = w.frames[0];
    rows.push_back({"  stamp (the benchmark's own per-frame work)", runs([&] {
                      return ns_per(samples, [&](std::uint64_t i) {
                        stamp(f.payload(), i, tai_ns(static_cast<std::int64_t>(i)));
                      });
                    }),
                    "included in the rows above"});
    std::uint64_t sink = 0;
    rows.push_back({"  parse_frame (Ethernet + VLAN)", runs([&] {
                      return ns_per(samples, [&](std::uint64_t i) {
                        f.bytes[20] = static_cast<std::byte>(i);  // defeat hoisting
                        sink += parse_frame(std::span<const std::byte>(f.bytes)).l3_offset;
                      });
                    }),
                    ""});
    rows.push_back({"  decode (probe header)", runs([&] {
                      return ns_per(samples, [&](std::uint64_t i) {
                        f.bytes[f.payload_offset + 31] = static_cast<std::byte>(i);
                        sink += decode(std::span<const std::byte>(f.bytes).subspan(f.payload_offset))->sequence;
                      });
                    }),
                    ""});
    SequenceTracker tracker;
    std::uint64_t seq = 0;
    rows.push_back({"  SequenceTracker::observe (in order)", runs([&] {
                      return ns_per(samples, [&](std::uint64_t) {
                        sink += static_cast<std::uint64_t>(tracker.observe(1, seq++).arrival);
                      });
                    }),
                    ""});
    MetricsRegistry registry;
    auto& h = registry.histogram("takt_bench_latency_seconds", "x", {"stream"})
                  .with({"s"}, telemetry::LatencyBuckets::with_deadline(Nanos{150'000}));
    rows.push_back({"  LatencyHistogram::record", runs([&] {
                      return ns_per(samples,
                                    [&](std::uint64_t i) { h.record(0, Nanos{w.latency_ns[i & (kPattern - 1)]}); });
                    }),
                    ""});
    LatencySketch sketch;
    rows.push_back({"  LatencySketch::record (summary quantiles)", runs([&] {
                      return ns_per(samples,
                                    [&](std::uint64_t i) { sketch.record(Nanos{w.latency_ns[i & (kPattern - 1)]}); });
                    }),
                    ""});
    if (sink == 42) fmt::print("");  // keep sink alive
  }

  fmt::print("takt-probe listener path: {} frames per run, {} streams, median of {} runs, {} hardware threads\n\n",
             samples, streams, repeats, std::thread::hardware_concurrency());
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.scenario.size());
  fmt::print("{:<{}}  {:>10}  {}\n", "scenario", width, "ns/frame", "note");
  for (const auto& r : rows) fmt::print("{:<{}}  {:>10.1f}  {}\n", r.scenario, width, r.ns, r.note);
  return 0;
}
