// How close Prometheus' histogram_quantile() comes to the exact quantile with the standard
// buckets: latencies drawn from a few distributions go through LatencyHistogram::record(), the
// exact quantile comes from the sorted draws, the PromQL one from the snapshot by Prometheus'
// own rule. The 1-2-5 buckets these replaced read 1.99 ms for a p99 of 1.2 ms.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "promql_histogram_quantile.hpp"
#include "telemetry/histogram.hpp"

using takt::Nanos;
using takt::telemetry::HistogramSnapshot;
using takt::telemetry::LatencyBuckets;
using takt::telemetry::LatencyHistogram;
using takt::telemetry::testing::promql_histogram_quantile;

namespace {

constexpr std::size_t draws = 200'000;

// The old series, to show what the change is for.
LatencyBuckets one_two_five() {
  const Nanos b[] = {Nanos{1'000},     Nanos{2'000},     Nanos{5'000},     Nanos{10'000},  Nanos{20'000},
                     Nanos{50'000},    Nanos{100'000},   Nanos{200'000},   Nanos{500'000}, Nanos{1'000'000},
                     Nanos{2'000'000}, Nanos{5'000'000}, Nanos{10'000'000}};
  return LatencyBuckets(b);
}

struct Quantiles {
  double exact_s;
  double promql_s;
  double error() const { return std::abs(promql_s - exact_s) / exact_s; }
};

// Nearest rank on the sorted draws, and PromQL on the histogram of the same draws.
Quantiles quantile(double q, std::vector<std::int64_t> ns, const LatencyBuckets& buckets) {
  LatencyHistogram h(buckets, 1);
  for (std::int64_t x : ns) h.record(0, Nanos{x});
  std::sort(ns.begin(), ns.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
  const double exact = static_cast<double>(ns[std::max<std::size_t>(rank, 1) - 1]) / 1e9;
  return {exact, promql_histogram_quantile(q, buckets, h.snapshot())};
}

template <class Draw>
std::vector<std::int64_t> sample(std::uint64_t seed, Draw&& draw) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> out;
  out.reserve(draws);
  for (std::size_t i = 0; i < draws; ++i) out.push_back(static_cast<std::int64_t>(draw(rng)));
  return out;
}

// Standard normal quantile by bisection on erfc: plenty for a test, no table needed.
double normal_quantile(double q) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < q ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace

TEST_CASE("p99 of latencies uniform in 1.0 to 1.2 ms is within 10 % where 1-2-5 buckets read 1.99 ms",
          "[telemetry][histogram][quantile]") {
  std::uniform_real_distribution<double> u(1'000'000, 1'200'000);
  const auto ns = sample(1, [&](auto& rng) { return u(rng); });
  const Quantiles now = quantile(0.99, ns, LatencyBuckets::standard());
  const Quantiles before = quantile(0.99, ns, one_two_five());
  CHECK(now.exact_s == Approx(0.001198).epsilon(0.001));
  CHECK(now.error() <= 0.10);
  CHECK(before.promql_s == Approx(0.00199).epsilon(0.001));  // the demo cell's 1.99 ms
  CHECK(before.error() > 0.6);
  // With the stream's deadline as a bound as well, as the listener's histogram has it.
  CHECK(quantile(0.99, ns, LatencyBuckets::with_deadline(Nanos{2'500'000})).error() <= 0.10);
}

TEST_CASE("every quantile from p50 to p99.9 of a lognormal around 1 ms is within 10 %",
          "[telemetry][histogram][quantile]") {
  for (const double sigma : {0.15, 0.25, 0.5, 1.0}) {
    std::lognormal_distribution<double> d(std::log(1'000'000.0), sigma);
    const auto ns = sample(2, [&](auto& rng) { return d(rng); });
    for (const double q : {0.5, 0.9, 0.99, 0.999}) {
      INFO("sigma " << sigma << ", q " << q);
      const Quantiles r = quantile(q, ns, LatencyBuckets::with_deadline(Nanos{2'500'000}));
      INFO("exact " << r.exact_s << " s, PromQL " << r.promql_s << " s");
      CHECK(r.error() <= 0.10);
    }
  }
}

TEST_CASE("a bimodal stream's p50 and p99 are each within 10 % of their mode's exact value",
          "[telemetry][histogram][quantile]") {
  // Most frames pass in their window (~300 us); one in ten waits a cycle (~2 ms).
  std::bernoulli_distribution waits(0.1);
  std::lognormal_distribution<double> window(std::log(300'000.0), 0.15);
  std::lognormal_distribution<double> next_cycle(std::log(2'000'000.0), 0.2);
  const auto ns = sample(3, [&](auto& rng) { return waits(rng) ? next_cycle(rng) : window(rng); });
  for (const double q : {0.5, 0.95, 0.99, 0.999}) {
    INFO("q " << q);
    const Quantiles r = quantile(q, ns, LatencyBuckets::with_deadline(Nanos{2'500'000}));
    INFO("exact " << r.exact_s << " s, PromQL " << r.promql_s << " s");
    CHECK(r.error() <= 0.10);
  }
}

TEST_CASE("a hard edge just above a bound costs at most one bucket's width", "[telemetry][histogram][quantile]") {
  // Uniform in 1.05 to 1.21 ms: the top twentieth of the draws is all Prometheus sees of bucket
  // (1.202, 1.318] ms and it spreads them over the whole bucket. No smooth-distribution promise
  // holds at a cliff; the bound does: a bucket is at most 9.69 % wider than its lower bound.
  std::uniform_real_distribution<double> u(1'050'000, 1'210'000);
  const auto ns = sample(4, [&](auto& rng) { return u(rng); });
  const Quantiles r = quantile(0.99, ns, LatencyBuckets::standard());
  INFO("exact " << r.exact_s << " s, PromQL " << r.promql_s << " s");
  CHECK(r.promql_s > r.exact_s);
  CHECK(r.error() <= 0.097);  // 7.1 % here
}

TEST_CASE("whatever the distribution, PromQL and the exact quantile share a bucket, so it is off by under 9.7 %",
          "[telemetry][histogram][quantile]") {
  // The worst case for interpolation: every observation 1 ns above a bound (a point mass, as a
  // perfectly scheduled stream would be), so the exact quantile sits at the bucket's bottom and
  // PromQL reads near its top. Tried in every bucket from 1 us to 100 ms, with a deadline's bound
  // too, and with a few outliers that move the rank into a neighbouring bucket.
  for (const LatencyBuckets& buckets : {LatencyBuckets::standard(), LatencyBuckets::with_deadline(Nanos{2'500'000})}) {
    const auto bounds = buckets.upper_bounds_ns();
    double worst = 0;
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
      for (const std::int64_t at : {bounds[i] + 1, (bounds[i] + bounds[i + 1]) / 2, bounds[i + 1]}) {
        for (const std::size_t outliers : {std::size_t{0}, std::size_t{3}, std::size_t{20}}) {
          std::vector<std::int64_t> ns(1'000 - outliers, at);
          ns.insert(ns.end(), outliers, bounds[i] / 2);
          for (const double q : {0.5, 0.99, 0.999}) {
            const Quantiles r = quantile(q, ns, buckets);
            INFO("observations at " << at << " ns, " << outliers << " below, q " << q << ": exact " << r.exact_s
                                    << " s, PromQL " << r.promql_s << " s");
            REQUIRE(r.error() < 0.097);
            worst = std::max(worst, r.error());
          }
        }
      }
    }
    CHECK(worst > 0.09);  // the point masses just above a bound come close to the limit
  }
}

TEST_CASE("a scheduled stream's latencies, narrower than a bucket, read at most a bucket's width off",
          "[telemetry][histogram][quantile]") {
  // As robot-io in the virtual cell: nearly every frame arrives in its window (2.18 ms, +-15 us),
  // a few wait out a host stall. Most of the frames share bucket (2.089, 2.291] ms and Prometheus
  // spreads them over all of it; with 12 buckets a decade its p99 read 2.6 ms for an exact 2.21 ms.
  std::bernoulli_distribution stalled(0.003);
  std::normal_distribution<double> window(2'180'000, 15'000);
  std::uniform_real_distribution<double> stall(4'000'000, 10'000'000);
  const auto ns = sample(5, [&](auto& rng) { return stalled(rng) ? stall(rng) : window(rng); });
  const Quantiles r = quantile(0.99, ns, LatencyBuckets::with_deadline(Nanos{4'000'000}));
  INFO("exact " << r.exact_s << " s, PromQL " << r.promql_s << " s");
  CHECK(r.error() <= 0.097);  // 3.3 % here, 17.6 % with 12 buckets a decade
  // The deadline's bucket stays exact whatever the shape: the on-time ratio needs no interpolation.
  LatencyHistogram h(LatencyBuckets::with_deadline(Nanos{4'000'000}), 1);
  for (std::int64_t x : ns) h.record(0, Nanos{x});
  const auto bounds = h.buckets().upper_bounds_ns();
  const auto at = static_cast<std::size_t>(std::find(bounds.begin(), bounds.end(), 4'000'000) - bounds.begin());
  const HistogramSnapshot s = h.snapshot();
  std::uint64_t on_time = 0;
  for (std::size_t i = 0; i <= at; ++i) on_time += s.counts[i];
  CHECK(on_time ==
        static_cast<std::uint64_t>(std::count_if(ns.begin(), ns.end(), [](std::int64_t x) { return x <= 4'000'000; })));
}

TEST_CASE("for any lognormal with sigma from 0.15 up, anywhere in the range, PromQL is within 10 %",
          "[telemetry][histogram][quantile]") {
  // The bucket counts of the exact distribution (no sampling noise), its median swept over a
  // whole decade in 48 steps so every position relative to the bounds is tried.
  const LatencyBuckets buckets = LatencyBuckets::standard();
  const auto bounds = buckets.upper_bounds_ns();
  constexpr double n = 1e12;
  double worst = 0;
  for (const double sigma : {0.15, 0.2, 0.3, 0.5, 1.0}) {
    for (int step = 0; step < 48; ++step) {
      const double median_ns = 100'000.0 * std::pow(10.0, step / 48.0);
      const auto cdf = [&](double x) { return 0.5 * std::erfc(-std::log(x / median_ns) / (sigma * std::sqrt(2.0))); };
      HistogramSnapshot snap;
      double below = 0;
      for (std::size_t i = 0; i < bounds.size(); ++i) {
        const double at = cdf(static_cast<double>(bounds[i]));
        snap.counts[i] = static_cast<std::uint64_t>(std::llround(n * at) - std::llround(n * below));
        below = at;
      }
      snap.counts[bounds.size()] = static_cast<std::uint64_t>(std::llround(n) - std::llround(n * below));
      for (std::size_t i = 0; i <= bounds.size(); ++i) snap.count += snap.counts[i];
      for (const double q : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = median_ns * std::exp(sigma * normal_quantile(q)) / 1e9;
        const double error = std::abs(promql_histogram_quantile(q, buckets, snap) - exact) / exact;
        INFO("sigma " << sigma << ", median " << median_ns << " ns, q " << q << ": error " << error);
        REQUIRE(error <= 0.10);
        worst = std::max(worst, error);
      }
    }
  }
  CHECK(worst < 0.025);  // 2.2 % at these medians; 8.5 % with 12 buckets a decade
}

TEST_CASE("PromQL's rule: a rank in the +Inf bucket answers the top bound, the first bucket starts at 0",
          "[telemetry][histogram][quantile]") {
  const Nanos b[] = {Nanos{1'000'000}, Nanos{2'000'000}};
  const LatencyBuckets buckets(b);
  LatencyHistogram h(buckets, 1);
  for (int i = 0; i < 4; ++i) h.record(0, Nanos{500'000});
  for (int i = 0; i < 4; ++i) h.record(0, Nanos{1'500'000});
  for (int i = 0; i < 2; ++i) h.record(0, Nanos{9'000'000});
  const HistogramSnapshot s = h.snapshot();
  CHECK(promql_histogram_quantile(0.2, buckets, s) == Approx(0.0005));  // rank 2 of 4 in (0, 1 ms]
  CHECK(promql_histogram_quantile(0.4, buckets, s) == Approx(0.001));   // rank 4 reaches the bound
  CHECK(promql_histogram_quantile(0.6, buckets, s) == Approx(0.0015));  // rank 6: 2 of 4 in (1, 2 ms]
  CHECK(promql_histogram_quantile(0.99, buckets, s) == Approx(0.002));  // +Inf: the top finite bound
  CHECK(std::isnan(promql_histogram_quantile(0.5, buckets, HistogramSnapshot{})));
}
