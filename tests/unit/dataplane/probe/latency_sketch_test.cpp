#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "dataplane/probe/latency_sketch.hpp"

using namespace takt;
using namespace takt::probe;

TEST_CASE("bucket indexes are monotonic and invert to their lower bounds", "[probe][sketch]") {
  std::size_t previous = 0;
  for (std::uint64_t v :
       {0ULL, 1ULL, 63ULL, 64ULL, 65ULL, 127ULL, 128ULL, 1'000ULL, 250'000ULL, 1ULL << 40, (1ULL << 62) + 5}) {
    const std::size_t i = LatencySketch::index_of(v);
    CHECK(i >= previous);
    previous = i;
    CHECK(LatencySketch::lower_bound_of(i) <= v);
    CHECK(LatencySketch::index_of(LatencySketch::lower_bound_of(i)) == i);
  }
  CHECK(LatencySketch::index_of(63) == 63);  // exact below 64 ns
}

TEST_CASE("quantiles are within 1.6 percent of the exact sample", "[probe][sketch]") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(20'000.0), 0.8);
  LatencySketch sketch;
  std::vector<std::int64_t> samples;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<std::int64_t>(dist(rng));
    samples.push_back(v);
    sketch.record(Nanos{v});
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    const double exact = static_cast<double>(samples[rank - 1]);
    const double got = static_cast<double>(sketch.quantile(q).count());
    INFO("q=" << q << " exact=" << exact << " got=" << got);
    CHECK(std::abs(got - exact) <= exact / 64.0);
  }
  CHECK(sketch.min().count() == samples.front());
  CHECK(sketch.max().count() == samples.back());
  CHECK(sketch.quantile(1.0) == sketch.max());
  CHECK(sketch.count() == samples.size());
}

TEST_CASE("negative latencies keep their minimum but count as 0 in quantiles", "[probe][sketch]") {
  LatencySketch sketch;
  CHECK(sketch.quantile(0.5).count() == 0);  // empty
  sketch.record(Nanos{-500});
  sketch.record(Nanos{-100});
  CHECK(sketch.min().count() == -500);
  CHECK(sketch.max().count() == -100);
  CHECK(sketch.quantile(0.5).count() == 0);
  sketch.record(Nanos{1000});
  CHECK(sketch.quantile(1.0).count() == 1000);
}
