#pragma once
// takt-station's counters and histograms on /metrics, in the same form as takt-dataplane's and
// takt-probe's: read from the programs' per-CPU maps at scrape (summed over CPUs), per stream.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "dataplane/bpf/bpf_station.hpp"
#include "dataplane/bpf/station_tables.hpp"
#include "protocol/station_config.hpp"
#include "telemetry/metrics_registry.hpp"

namespace takt::station {

class StationMetrics {
 public:
  StationMetrics(telemetry::MetricsRegistry& registry, const BpfStation& bpf);

  // Declares the series of the plan's streams not declared before and points every series at
  // its stream's current index. A stream a later plan drops keeps its last values (Prometheus
  // counters never go back); one that returns continues from zero, as a restarted process would.
  void follow(const StationConfig& config, const IndexTable& talk_indexes, const IndexTable& listen_indexes);

 private:
  struct Shared;
  telemetry::MetricsRegistry& registry_;
  std::shared_ptr<Shared> shared_;
  std::set<std::string> declared_talks_;
  std::set<std::string> declared_listens_;
};

}  // namespace takt::station
