#include "telemetry/metrics_registry.hpp"

#include <set>
#include <stdexcept>

namespace takt::telemetry {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s = "(";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) s += ", ";
    s += names[i];
  }
  return s + ")";
}

// name{a="x",b="y"} as it would appear in the exposition, for error messages.
std::string describe_series(const std::string& name, std::span<const Label> labels) {
  std::string s;
  ExpositionWriter w(s);
  w.sample_uint(name, labels, {}, 0);
  return s.substr(0, s.size() - 3);  // drop " 0\n"
}

void check_name(const std::string& name, std::string_view type) {
  if (!is_valid_metric_name(name)) {
    throw std::invalid_argument("metric name \"" + name +
                                "\" is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  }
  if (type == "counter" && !name.ends_with("_total")) {
    throw std::invalid_argument("counter " + name + " must end in _total");
  }
  if (type == "histogram" && !name.ends_with("_seconds")) {
    throw std::invalid_argument("histogram " + name +
                                " must end in _seconds: observations are ns, exposed in base units");
  }
  if (type == "gauge") {
    for (std::string_view suffix : {"_total", "_bucket", "_count", "_sum"}) {
      if (name.ends_with(suffix)) {
        throw std::invalid_argument("gauge " + name + " must not end in " + std::string(suffix) +
                                    ": that suffix belongs to counters and histograms");
      }
    }
  }
}

void check_label_names(const std::string& metric, const std::vector<std::string>& label_names, bool histogram) {
  std::set<std::string_view> seen;
  for (const std::string& l : label_names) {
    if (!is_valid_label_name(l)) {
      throw std::invalid_argument("metric " + metric + ": label name \"" + l +
                                  "\" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading __)");
    }
    if (histogram && l == "le") {
      throw std::invalid_argument("histogram " + metric + ": label name le is reserved for bucket bounds");
    }
    if (!seen.insert(l).second) {
      throw std::invalid_argument("metric " + metric + ": label name " + l + " appears twice");
    }
  }
}

}  // namespace

MetricFamily::MetricFamily(std::string name, std::string help, std::vector<std::string> label_names,
                           std::mutex& registry_mutex)
    : mutex_(registry_mutex), name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void MetricFamily::check_label_values(const LabelValues& values) const {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " has labels " + join(label_names_) + " but " +
                                std::to_string(values.size()) + " label value(s) were given");
  }
}

std::vector<Label> MetricFamily::labels_of(const LabelValues& values) const {
  std::vector<Label> labels;
  labels.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) labels.push_back({label_names_[i], values[i]});
  return labels;
}

// ---- counters ----

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<std::string> label_names,
                             std::mutex& registry_mutex, std::size_t writers)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names), registry_mutex), writers_(writers) {}

ShardedCounter& CounterFamily::with(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  check_label_values(values);
  if (Series* s = series_.find(values)) {
    if (!s->owned) {
      throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) +
                                  " is read by a callback; it cannot also be counted directly");
    }
    return *s->owned;
  }
  return *series_.add(values, Series{std::make_unique<ShardedCounter>(writers_), {}}).owned;
}

void CounterFamily::with_callback(const LabelValues& values, std::function<std::uint64_t()> read) {
  std::lock_guard lock(mutex_);
  check_label_values(values);
  if (!read) throw std::invalid_argument("counter " + name() + ": callback is empty");
  if (series_.find(values) != nullptr) {
    throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) + " is already declared");
  }
  series_.add(values, Series{nullptr, std::move(read)});
}

void CounterFamily::render(ExpositionWriter& out) const {
  for (const auto* entry : series_.in_order) {
    const Series& s = entry->second;
    out.sample_uint(name(), labels_of(entry->first), {}, s.owned ? s.owned->value() : s.read());
  }
}

// ---- gauges ----

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names,
                         std::mutex& registry_mutex)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names), registry_mutex) {}

Gauge& GaugeFamily::with(const LabelValues& values) {
  std::lock_guard lock(mutex_);
  check_label_values(values);
  if (Series* s = series_.find(values)) {
    if (!s->owned) {
      throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) +
                                  " is read by a callback; it cannot also be set directly");
    }
    return *s->owned;
  }
  return *series_.add(values, Series{std::make_unique<Gauge>(), {}}).owned;
}

void GaugeFamily::with_callback(const LabelValues& values, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  check_label_values(values);
  if (!read) throw std::invalid_argument("gauge " + name() + ": callback is empty");
  if (series_.find(values) != nullptr) {
    throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) + " is already declared");
  }
  series_.add(values, Series{nullptr, std::move(read)});
}

void GaugeFamily::render(ExpositionWriter& out) const {
  for (const auto* entry : series_.in_order) {
    const Series& s = entry->second;
    out.sample_double(name(), labels_of(entry->first), {}, s.owned ? s.owned->value() : s.read());
  }
}

// ---- histograms ----

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::mutex& registry_mutex, std::size_t writers)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names), registry_mutex), writers_(writers) {}

LatencyHistogram& HistogramFamily::with(const LabelValues& values, const LatencyBuckets& buckets) {
  std::lock_guard lock(mutex_);
  check_label_values(values);
  if (auto* existing = series_.find(values)) {
    if (!existing->owned) {
      throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) +
                                  " is read by a callback; it has no histogram to record into");
    }
    if (!(existing->owned->buckets() == buckets)) {
      throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) +
                                  " already exists with other bucket bounds; a series keeps its buckets for life");
    }
    return *existing->owned;
  }
  return *series_.add(values, Series{std::make_unique<LatencyHistogram>(buckets, writers_), nullptr, {}}).owned;
}

void HistogramFamily::with_callback(const LabelValues& values, const LatencyBuckets& buckets,
                                    std::function<HistogramSnapshot()> read) {
  std::lock_guard lock(mutex_);
  check_label_values(values);
  if (!read) throw std::invalid_argument("histogram " + name() + ": callback is empty");
  if (series_.find(values) != nullptr) {
    throw std::invalid_argument("series " + describe_series(name(), labels_of(values)) + " is already declared");
  }
  series_.add(values, Series{nullptr, std::make_unique<LatencyBuckets>(buckets), std::move(read)});
}

void HistogramFamily::render(ExpositionWriter& out) const {
  const std::string bucket = name() + "_bucket";
  const std::string sum = name() + "_sum";
  const std::string count = name() + "_count";
  std::string le;
  for (const auto* entry : series_.in_order) {
    const Series& series = entry->second;
    const std::vector<Label> labels = labels_of(entry->first);
    const HistogramSnapshot snap = series.owned ? series.owned->snapshot() : series.read();
    const auto bounds = series.owned ? series.owned->buckets().upper_bounds_ns() : series.buckets->upper_bounds_ns();
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      cumulative += snap.counts[i];
      le.clear();
      append_seconds(le, static_cast<std::uint64_t>(bounds[i]));
      out.sample_uint(bucket, labels, {"le", le}, cumulative);
    }
    out.sample_uint(bucket, labels, {"le", "+Inf"}, snap.count);
    out.sample_seconds(sum, labels, {}, snap.sum_ns);
    out.sample_uint(count, labels, {}, snap.count);
  }
}

// ---- registry ----

MetricsRegistry::MetricsRegistry(std::size_t writers) : writers_(writers) {
  if (writers == 0) throw std::invalid_argument("a metrics registry needs at least one writer");
}

template <class Family, class... Extra>
Family& MetricsRegistry::declare(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                                 Extra... extra) {
  std::lock_guard lock(mutex_);
  auto family = std::unique_ptr<Family>(new Family(name, help, std::move(label_names), mutex_, extra...));
  const std::string_view type = family->type();
  check_name(name, type);
  check_label_names(name, family->label_names(), type == "histogram");

  if (auto it = by_name_.find(name); it != by_name_.end()) {
    MetricFamily& old = *it->second;
    auto* same = dynamic_cast<Family*>(&old);
    if (same == nullptr || old.help() != help || old.label_names() != family->label_names()) {
      throw std::invalid_argument("metric " + name + " is already declared as a " + std::string(old.type()) +
                                  " with labels " + join(old.label_names()) +
                                  " and other help text; one name, one meaning");
    }
    return *same;
  }
  Family& ref = *family;
  by_name_.emplace(name, &ref);
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names) {
  return declare<CounterFamily>(name, help, std::move(label_names), writers_);
}

GaugeFamily& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  return declare<GaugeFamily>(name, help, std::move(label_names));
}

HistogramFamily& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names) {
  return declare<HistogramFamily>(name, help, std::move(label_names), writers_);
}

void MetricsRegistry::render(std::string& out) const {
  std::lock_guard lock(mutex_);
  ExpositionWriter w(out);
  for (const auto& family : families_) {
    const std::size_t before = out.size();
    w.family_header(family->name(), family->help(), family->type());
    const std::size_t header_end = out.size();
    family->render(w);
    if (out.size() == header_end) out.resize(before);  // no series yet: leave the family out
  }
}

std::string MetricsRegistry::render() const {
  std::string out;
  render(out);
  return out;
}

}  // namespace takt::telemetry
