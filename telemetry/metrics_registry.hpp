#pragma once
// Where the dataplane, the probe and the controller declare their metrics, and what /metrics
// renders. Declaring families and series takes the registry's mutex; recording into a series
// never does: callers keep the ShardedCounter&, Gauge& or LatencyHistogram& a family hands out
// and write to it directly from the packet path.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/histogram.hpp"
#include "telemetry/metric_values.hpp"
#include "telemetry/prometheus_text.hpp"

namespace takt::telemetry {

// One value per label name of the family, in the order the family declared its label names.
using LabelValues = std::vector<std::string>;

class MetricFamily {
 public:
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;
  virtual ~MetricFamily() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  virtual std::string_view type() const = 0;

 protected:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names, std::mutex& registry_mutex);

  // Throws std::invalid_argument naming the family when the count of values is wrong.
  void check_label_values(const LabelValues& values) const;
  std::vector<Label> labels_of(const LabelValues& values) const;

  // Series in the order they were first declared, so the exposition is stable across scrapes.
  template <class Series>
  struct SeriesTable {
    std::map<LabelValues, Series> by_values;
    std::vector<const typename std::map<LabelValues, Series>::value_type*> in_order;

    Series* find(const LabelValues& values) {
      auto it = by_values.find(values);
      return it == by_values.end() ? nullptr : &it->second;
    }
    Series& add(const LabelValues& values, Series series) {
      auto [it, inserted] = by_values.emplace(values, std::move(series));
      in_order.push_back(&*it);
      return it->second;
    }
  };

  std::mutex& mutex_;

 private:
  friend class MetricsRegistry;
  // Called with the registry's mutex held.
  virtual void render(ExpositionWriter& out) const = 0;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

// Monotonic event counts: packets, bytes, drops. Names end in "_total".
class CounterFamily final : public MetricFamily {
 public:
  // The series for these label values, created at zero on first use. Keep the reference; it
  // stays valid as long as the registry.
  ShardedCounter& with(const LabelValues& values);
  // A series whose value is read at scrape, for counts another component already keeps (a
  // NIC's port statistics). The callback must be monotonic and must not call the registry.
  void with_callback(const LabelValues& values, std::function<std::uint64_t()> read);

  std::string_view type() const override { return "counter"; }

 private:
  friend class MetricsRegistry;
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names, std::mutex& registry_mutex,
                std::size_t writers);
  void render(ExpositionWriter& out) const override;

  struct Series {
    std::unique_ptr<ShardedCounter> owned;
    std::function<std::uint64_t()> read;
  };
  std::size_t writers_;
  SeriesTable<Series> series_;
};

// Values that go up and down: queue depth, clock offset, schedule cycle time.
class GaugeFamily final : public MetricFamily {
 public:
  Gauge& with(const LabelValues& values);
  // Evaluated at every scrape; must not call the registry.
  void with_callback(const LabelValues& values, std::function<double()> read);

  std::string_view type() const override { return "gauge"; }

 private:
  friend class MetricsRegistry;
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names, std::mutex& registry_mutex);
  void render(ExpositionWriter& out) const override;

  struct Series {
    std::unique_ptr<Gauge> owned;
    std::function<double()> read;
  };
  SeriesTable<Series> series_;
};

// Latencies recorded in integer ns, exposed in seconds. Names end in "_seconds". Each series
// may have its own buckets (a stream's max-latency is one of its bounds).
class HistogramFamily final : public MetricFamily {
 public:
  // The series for these label values with these buckets, created empty on first use; asking
  // again with different buckets throws.
  LatencyHistogram& with(const LabelValues& values, const LatencyBuckets& buckets);
  // A series whose counts another component keeps (an eBPF program's per-CPU map), read at
  // scrape in these buckets. The callback must be monotonic per bucket and must not call the
  // registry.
  void with_callback(const LabelValues& values, const LatencyBuckets& buckets, std::function<HistogramSnapshot()> read);

  std::string_view type() const override { return "histogram"; }

 private:
  friend class MetricsRegistry;
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names, std::mutex& registry_mutex,
                  std::size_t writers);
  void render(ExpositionWriter& out) const override;

  std::size_t writers_;
  struct Series {
    std::unique_ptr<LatencyHistogram> owned;
    std::unique_ptr<LatencyBuckets> buckets;  // of a callback series
    std::function<HistogramSnapshot()> read;
  };
  SeriesTable<Series> series_;
};

class MetricsRegistry {
 public:
  // writers: how many cores or threads may record into counters and histograms of this
  // registry, each with its own index in [0, writers).
  explicit MetricsRegistry(std::size_t writers = 1);
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Declare a family, or get the one already declared with the same type, help and label
  // names. Names that break the data model or the suffix rules (counters end in _total,
  // histograms in _seconds, gauges in neither _total nor a histogram suffix, so no two
  // families can write the same sample name) throw std::invalid_argument with the reason.
  CounterFamily& counter(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names = {});

  // The whole exposition (Content-Type: prometheus_content_type), families in declaration
  // order; families without series are left out. Safe while writers record.
  void render(std::string& out) const;
  std::string render() const;

  std::size_t writers() const { return writers_; }

 private:
  template <class Family, class... Extra>
  Family& declare(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                  Extra... extra);

  std::size_t writers_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::map<std::string, MetricFamily*, std::less<>> by_name_;
};

}  // namespace takt::telemetry
