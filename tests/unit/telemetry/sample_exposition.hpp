#pragma once
// A registry filled the way the dataplane fills it: per-stream latency histograms with each
// stream's max-latency as a bucket, drop counters by port and reason, callback counters and
// gauges. The golden test pins its text down; promtool lints the very same text.
#include "telemetry/metrics_registry.hpp"

namespace takt::telemetry::testing {

inline constexpr std::size_t sample_writers = 2;

// reg must have sample_writers writers.
void fill_sample_registry(MetricsRegistry& reg);

}  // namespace takt::telemetry::testing
