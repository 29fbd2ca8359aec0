#pragma once
// The report's findings, before any wording: the table and the JSON result are two views of
// this.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/cell_report/bridge_status.hpp"
#include "tools/cell_report/probe_summaries.hpp"
#include "tools/cell_report/protection_accounting.hpp"
#include "tools/cell_report/station_counts.hpp"

namespace takt::cell_report {

// One stream at one listener.
struct StreamResult {
  std::string stream;
  std::string traffic_class;
  std::string talker;
  std::string listener;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::int64_t p50_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
  std::optional<std::int64_t> max_latency_ns;
  std::optional<std::uint64_t> late;  // none: the stream has no deadline
  std::uint64_t late_in_host_stalls = 0;
  std::uint64_t late_unexplained = 0;  // late frames no stall explains, the unkept ones included
  std::uint64_t late_frames_not_kept = 0;
  std::optional<double> on_time_ratio;
  std::optional<double> stall_chance;
  std::optional<double> prometheus_p99_s;
  std::optional<double> prometheus_on_time_ratio;
  // 802.1Qci and 802.1CB (protection_accounting.hpp).
  bool redundant = false;        // two trees: numbered where they split, recovered where they meet
  std::uint64_t duplicated = 0;  // frames the listener received twice
  // Lost frames that the stream's own filters discarded in host stalls account for (at most
  // those discards: a redundant stream's copy discarded on one tree loses nothing).
  std::uint64_t lost_in_host_stalls = 0;
  std::optional<StreamPsfp> psfp;  // none: Prometheus had no answer for the stream filters
  std::optional<FrerCounts> frer;  // the bridges' generation and recovery of a redundant stream
  // takt-station at the stream's talker and at this listener; none where it did not run.
  std::optional<StationTalk> station_talker;
  std::optional<StationListen> station_listener;
  // The frames takt-probe's listener took from its socket, duplicates included: what
  // takt-station counts at tc ingress of the same interface.
  std::uint64_t probe_frames() const { return received + duplicated; }
  // takt-station counted at the listener what takt-probe received; none without it there.
  std::optional<bool> station_listener_agrees() const {
    if (!station_listener) return std::nullopt;
    return station_listener->received == probe_frames();
  }
  // Every frame takt-probe sent went through takt-station at the talker, passed or policed.
  std::optional<bool> station_talker_agrees() const {
    if (!station_talker) return std::nullopt;
    return station_talker->passed + station_talker->policed == sent;
  }
  std::string verdict;
  std::vector<std::string> failures;  // what the cell's acceptance rules found (see verdict.hpp)
};

// One node's host stalls while the talkers sent.
struct NodeStalls {
  std::string node;
  std::int64_t threshold_ns = 0;
  std::uint64_t count = 0;
  std::int64_t longest_excess_ns = 0;
};

// A Prometheus sample the report lists as it came: a label and the value as text.
struct LabelledValue {
  std::string label;
  std::string value;
};

struct StreamOnTime {
  std::string stream;
  std::string le;
  std::optional<double> ratio;  // none: Prometheus had no data
};

struct PrometheusView {
  std::map<std::string, std::uint64_t> targets_up;             // job -> targets that answered
  std::vector<LabelledValue> p99_s;                            // stream -> histogram_quantile(0.99), plan order
  std::vector<StreamOnTime> on_time;                           // plan order
  std::vector<LabelledValue> stalls;                           // bridge -> packet-loop stalls since start
  std::map<std::string, std::vector<LabelledValue>> overruns;  // bridge -> scheduled stream, count
};

// takt-controller's own counters, as Prometheus scraped them.
struct ControllerView {
  std::optional<std::string> converged;
  std::string installs_done = "0";
  std::string installs_failed = "0";
  std::string repairs = "0";
  std::string sync_losses = "0";
};

struct CellResult {
  SendWindow window;
  std::vector<StreamResult> streams;
  std::vector<NodeStalls> nodes;  // stalled nodes only, by name
  std::vector<BridgeState> bridges_at_end;
  std::optional<InstallRecord> install;
  std::int64_t hyperperiod_ns = 0;
  ControllerView controller;
  PrometheusView prometheus;
  // Frames of no stream expected at a port on a scheduled priority, discarded by the wildcard
  // filters; none: Prometheus had no answer for the stream filters.
  std::optional<std::vector<WildcardDiscards>> wildcard_discards;
  std::vector<InjectedFault> faults;  // DEMO_FAULTS
  // The end stations takt-station counted at (empty: it did not run).
  std::vector<std::string> station_nodes;
  // Every redundant stream received every frame its talker sent (true when there is none).
  bool protected_lost_nothing = true;
  bool pass = false;  // every stream met the cell's acceptance rules
};

}  // namespace takt::cell_report
