// How much one latency sample costs the packet path, alone, next to a scraper rendering
// /metrics in a loop, and next to a second writer core; with a locked shared-counter histogram
// as the baseline the per-writer design avoids. Then record() and record_many() on the
// log-linear buckets (128 slots, seven lookup steps) against the 1-2-5 histogram they replaced
// (15 bounds, four steps; legacy_histogram.hpp), alternately in one run. Prints two tables.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "legacy_histogram.hpp"
#include "telemetry/metrics_registry.hpp"

namespace {

using takt::Nanos;
using takt::bench::LegacyHistogram;
using takt::telemetry::LatencyBuckets;
using takt::telemetry::LatencyHistogram;
using takt::telemetry::MetricsRegistry;
using takt::telemetry::ShardedCounter;
using Clock = std::chrono::steady_clock;

constexpr std::size_t pattern_size = 4096;  // power of two: the index is a mask

// Latencies and stream indices drawn up front so the loop measures recording, not the RNG:
// most frames well inside a 250 us deadline, a tail up to 12 ms.
struct Workload {
  std::vector<std::int64_t> latency_ns;
  std::vector<std::uint32_t> stream;
};

Workload make_workload(std::size_t streams, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> body(std::log(80'000.0), 0.6);
  std::uniform_int_distribution<std::int64_t> tail(250'000, 12'000'000);
  std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(streams - 1));
  Workload w;
  for (std::size_t i = 0; i < pattern_size; ++i) {
    w.latency_ns.push_back(i % 64 == 0 ? tail(rng) : static_cast<std::int64_t>(body(rng)));
    w.stream.push_back(pick(rng));
  }
  return w;
}

// Deadlines from 100 us to 2 ms in 25 us steps: most add a bucket, a few coincide with a bound.
Nanos deadline_of(std::size_t stream) { return Nanos{100'000 + static_cast<std::int64_t>(stream % 77) * 25'000}; }

// Residence times as a bridge records them: a burst of one stream's frames queued back to back,
// each one frame time (1.2 us) behind the one before, after a wait that varies per burst.
std::vector<Nanos> make_bursts(std::size_t run, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> wait(std::log(20'000.0), 0.5);
  std::vector<Nanos> out;
  while (out.size() < pattern_size) {
    const double first = wait(rng);
    for (std::size_t k = 0; k < run && out.size() < pattern_size; ++k)
      out.emplace_back(static_cast<std::int64_t>(first + static_cast<double>(k) * 1'200.0));
  }
  return out;
}

struct Streams {
  MetricsRegistry registry;
  std::vector<LatencyHistogram*> latency;
  std::vector<ShardedCounter*> frames;

  Streams(std::size_t count, std::size_t writers) : registry(writers) {
    auto& lat = registry.histogram("takt_stream_latency_seconds", "End-to-end latency.", {"stream"});
    auto& fr = registry.counter("takt_stream_frames_total", "Frames received.", {"stream"});
    for (std::size_t s = 0; s < count; ++s) {
      const std::string name = "stream-" + std::to_string(s);
      const Nanos deadline = deadline_of(s);
      latency.push_back(&lat.with({name}, LatencyBuckets::with_deadline(deadline)));
      frames.push_back(&fr.with({name}));
    }
  }
};

double record_loop(Streams& st, std::size_t writer, const Workload& w, std::uint64_t samples, bool count_frames) {
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < samples; ++i) {
    const std::size_t k = i & (pattern_size - 1);
    const std::uint32_t s = w.stream[k];
    st.latency[s]->record(writer, Nanos{w.latency_ns[k]});
    if (count_frames) st.frames[s]->add(writer);
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(samples);
}

// The design we avoid: one set of cells shared by all cores, incremented with locked adds.
struct SharedLockedHistogram {
  LatencyBuckets buckets = LatencyBuckets::with_deadline(Nanos{250'000});
  std::array<std::atomic<std::uint64_t>, LatencyBuckets::max_buckets> counts{};
  std::atomic<std::uint64_t> sum{0};
  void record(std::int64_t ns) {
    counts[buckets.index_of(ns)].fetch_add(1, std::memory_order_relaxed);
    sum.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Row {
  std::string scenario;
  double ns_per_sample;
  std::string note;
};

// ---- the bucket sets: old 1-2-5 histogram against the log-linear one, same workloads ----

struct NewSet {
  std::vector<std::unique_ptr<LatencyHistogram>> h;
  explicit NewSet(std::size_t streams) {
    for (std::size_t s = 0; s < streams; ++s)
      h.push_back(std::make_unique<LatencyHistogram>(LatencyBuckets::with_deadline(deadline_of(s)), 1));
  }
  std::uint64_t count() const {
    std::uint64_t n = 0;
    for (const auto& x : h) n += x->snapshot().count;
    return n;
  }
};

struct OldSet {
  std::vector<std::unique_ptr<LegacyHistogram>> h;
  explicit OldSet(std::size_t streams) {
    for (std::size_t s = 0; s < streams; ++s) h.push_back(std::make_unique<LegacyHistogram>(deadline_of(s), 1));
  }
  std::uint64_t count() const {
    std::uint64_t n = 0;
    for (const auto& x : h) n += x->count(0);
    return n;
  }
};

// record() per sample, each to the stream the workload names.
template <class Set>
double each_loop(Set& set, const std::vector<Nanos>& latency, const std::vector<std::uint32_t>& stream,
                 std::uint64_t samples) {
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < samples; ++i) {
    const std::size_t k = i & (pattern_size - 1);
    set.h[stream[k]]->record(0, latency[k]);
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(samples);
}

// record_many() on runs of `run` samples, each run to one stream, as the forwarder calls it.
template <class Set>
double runs_loop(Set& set, const std::vector<Nanos>& latency, const std::vector<std::uint32_t>& stream,
                 std::uint64_t samples, std::size_t run) {
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < samples; i += run) {
    const std::size_t k = i & (pattern_size - 1);
    set.h[stream[k]]->record_many(0, std::span(latency.data() + k, run));
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(samples);
}

struct Comparison {
  std::string scenario;
  double old_ns;
  double new_ns;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ns per recorded latency sample (takt telemetry)"};
  std::uint64_t samples = 20'000'000;
  std::size_t streams = 64;
  int repeats = 5;
  app.add_option("--samples", samples, "samples per writer per run")->check(CLI::PositiveNumber);
  app.add_option("--streams", streams, "stream histograms in the registry")->check(CLI::PositiveNumber);
  app.add_option("--repeats", repeats, "runs per scenario; the median is reported")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  const Workload one_stream = make_workload(1, 1);
  const Workload many = make_workload(streams, 2);
  const Workload many_b = make_workload(streams, 3);
  std::vector<Row> rows;

  auto runs = [&](auto&& once) {
    std::vector<double> v;
    for (int r = 0; r < repeats; ++r) v.push_back(once());
    return median(v);
  };

  {
    Streams st(1, 1);
    rows.push_back(
        {"record, 1 stream, 1 writer", runs([&] { return record_loop(st, 0, one_stream, samples, false); }), ""});
  }
  {
    Streams st(streams, 1);
    rows.push_back({fmt::format("record, {} streams, 1 writer", streams),
                    runs([&] { return record_loop(st, 0, many, samples, false); }), ""});
    rows.push_back({fmt::format("record + frame counter, {} streams", streams),
                    runs([&] { return record_loop(st, 0, many, samples, true); }), ""});
  }
  {
    // A scraper thread renders the whole registry back to back while the writer records.
    Streams st(streams, 1);
    std::uint64_t scrapes = 0;
    double scrape_us = 0;
    std::size_t bytes = 0;
    const double ns = runs([&] {
      std::atomic<bool> stop{false};
      std::uint64_t n = 0;
      double busy_ns = 0;
      std::thread scraper([&] {
        std::string out;
        while (!stop.load(std::memory_order_relaxed)) {
          out.clear();
          const auto t0 = Clock::now();
          st.registry.render(out);
          busy_ns += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
          ++n;
        }
        bytes = out.size();
      });
      const double r = record_loop(st, 0, many, samples, true);
      stop = true;
      scraper.join();
      scrapes = n;
      scrape_us = n ? busy_ns / static_cast<double>(n) / 1e3 : 0;
      return r;
    });
    rows.push_back({fmt::format("record + counter, {} streams, scraper looping", streams), ns,
                    fmt::format("{} scrapes in last run, {:.0f} us and {} kB each", scrapes, scrape_us, bytes / 1024)});
  }
  {
    // Two writer cores on their own shards of the same histograms.
    Streams st(streams, 2);
    const double ns = runs([&] {
      double other = 0;
      std::thread second([&] { other = record_loop(st, 1, many_b, samples, true); });
      const double mine = record_loop(st, 0, many, samples, true);
      second.join();
      return (mine + other) / 2;
    });
    rows.push_back({fmt::format("record + counter, {} streams, 2 writers", streams), ns, "per sample, per writer"});
  }
  {
    SharedLockedHistogram shared;
    const double ns = runs([&] {
      auto loop = [&](const Workload& w) {
        const auto start = Clock::now();
        for (std::uint64_t i = 0; i < samples; ++i) shared.record(w.latency_ns[i & (pattern_size - 1)]);
        return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(samples);
      };
      double other = 0;
      std::thread second([&] { other = loop(many_b); });
      const double mine = loop(many);
      second.join();
      return (mine + other) / 2;
    });
    rows.push_back({"baseline: shared cells, locked fetch_add, 2 writers", ns, "what per-writer shards avoid"});
  }

  // Old against new, alternately per repeat so a noisy neighbour hits both; medians.
  std::vector<Comparison> compared;
  {
    const std::size_t run = 32;  // the forwarder's TX burst
    std::vector<Nanos> spread_one, spread_many;
    for (std::int64_t ns : one_stream.latency_ns) spread_one.emplace_back(ns);
    for (std::int64_t ns : many.latency_ns) spread_many.emplace_back(ns);
    const std::vector<Nanos> bursts = make_bursts(run, 4);
    // A stream per run of 32: the stream of a run's first sample, as if the burst were one stream's.
    std::vector<std::uint32_t> run_stream(pattern_size);
    for (std::size_t k = 0; k < pattern_size; ++k) run_stream[k] = many.stream[k - k % run];

    auto compare = [&](const std::string& name, std::size_t n_streams, auto&& loop) {
      OldSet old_set(n_streams);
      NewSet new_set(n_streams);
      std::vector<double> o, n;
      for (int r = 0; r < repeats; ++r) {
        o.push_back(loop(old_set));
        n.push_back(loop(new_set));
      }
      if (old_set.count() != new_set.count()) fmt::print(stderr, "{}: the two sets counted differently\n", name);
      compared.push_back({name, median(o), median(n)});
    };
    compare("record, 1 stream, lognormal 80 us + tail", 1,
            [&](auto& set) { return each_loop(set, spread_one, one_stream.stream, samples); });
    compare(fmt::format("record, {} streams, lognormal 80 us + tail", streams), streams,
            [&](auto& set) { return each_loop(set, spread_many, many.stream, samples); });
    compare(fmt::format("record, {} streams, bursts of residence times", streams), streams,
            [&](auto& set) { return each_loop(set, bursts, run_stream, samples); });
    compare("record_many x32, 1 stream, lognormal 80 us + tail", 1,
            [&](auto& set) { return runs_loop(set, spread_one, one_stream.stream, samples, run); });
    compare(fmt::format("record_many x32, {} streams, lognormal + tail", streams), streams,
            [&](auto& set) { return runs_loop(set, spread_many, run_stream, samples, run); });
    compare("record_many x32, 1 stream, bursts of residence times", 1,
            [&](auto& set) { return runs_loop(set, bursts, one_stream.stream, samples, run); });
    compare(fmt::format("record_many x32, {} streams, bursts of residence", streams), streams,
            [&](auto& set) { return runs_loop(set, bursts, run_stream, samples, run); });
  }

  // The scrape side alone: one render of every stream's histogram and counter.
  Streams rendered(streams, 1);
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    const std::size_t k = i & (pattern_size - 1);
    rendered.latency[many.stream[k]]->record(0, Nanos{many.latency_ns[k]});
  }
  std::string text;
  const int renders = 200;
  const auto t0 = Clock::now();
  for (int i = 0; i < renders; ++i) {
    text.clear();
    rendered.registry.render(text);
  }
  const double render_us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / renders;

  fmt::print("{} samples per writer per run, median of {} runs, {} hardware threads\n\n", samples, repeats,
             std::thread::hardware_concurrency());
  fmt::print("| {:<56} | {:>12} | {}\n", "scenario", "ns/sample", "note");
  fmt::print("|{:-<58}|{:->14}|{:-<30}\n", "", "", "");
  for (const Row& r : rows) fmt::print("| {:<56} | {:>12.2f} | {}\n", r.scenario, r.ns_per_sample, r.note);
  fmt::print("\nrender alone, {} streams: {:.1f} us per scrape, {} lines, {} kB\n", streams, render_us,
             std::count(text.begin(), text.end(), '\n'), text.size() / 1024);

  fmt::print("\nns per observation, 1-2-5 (15 bounds, 4 steps) against log-linear (128 slots, 7 steps), 1 writer\n\n");
  fmt::print("| {:<56} | {:>9} | {:>9} | {:>7}\n", "scenario", "1-2-5", "log-lin", "new/old");
  fmt::print("|{:-<58}|{:->11}|{:->11}|{:->8}\n", "", "", "", "");
  for (const Comparison& c : compared)
    fmt::print("| {:<56} | {:>9.2f} | {:>9.2f} | {:>7.2f}\n", c.scenario, c.old_ns, c.new_ns, c.new_ns / c.old_ns);
  return 0;
}
