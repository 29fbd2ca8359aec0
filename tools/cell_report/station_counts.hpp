#pragma once
// What takt-station (dataplane/bpf/, eBPF at the end stations' tc hooks) counted, per end station
// and stream, from the cell's Prometheus (CellQueries::kStation: the takt_station_* counters of
// every station, summed by name, station, stream and window). The virtual cell runs it beside
// takt-probe, so each count has takt-probe's beside it: at a talker, the frames the station let
// through and policed at the source against what takt-probe sent; at a listener, the frames it
// counted at tc ingress against what takt-probe received (a frame the kernel delivered to tc
// and not to the probe's socket, or the other way round, is a finding).
//
// None of this is there when takt-station did not run (not built, or no BPF on the host): the
// answer is empty, and the report leaves the section out (the cell's log says why).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/cell_report/prometheus_results.hpp"

namespace takt::cell_report {

// A stream at its talker's tc egress.
struct StationTalk {
  std::string station;
  std::uint64_t passed = 0;   // takt_station_frames_sent_total: let through, tagged
  std::uint64_t policed = 0;  // takt_station_policed_frames_total: beyond the TSpec, dropped at the source
  // Scheduled streams: left within [offset, offset + window) of their interval, or outside.
  std::optional<std::uint64_t> departures_in_window;
  std::optional<std::uint64_t> departures_outside_window;
};

// A stream at one listener's tc ingress.
struct StationListen {
  std::string station;
  std::uint64_t received = 0;  // takt_station_frames_received_total
  std::uint64_t sequence_gaps = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t deadline_misses = 0;
  // Scheduled streams: arrivals against the planned arrival window.
  std::optional<std::uint64_t> arrivals_early;
  std::optional<std::uint64_t> arrivals_in_window;
  std::optional<std::uint64_t> arrivals_late;
};

struct StationCounts {
  std::map<std::pair<std::string, std::string>, StationTalk> talks;      // (station, stream)
  std::map<std::pair<std::string, std::string>, StationListen> listens;  // (station, stream)
  std::vector<std::string> stations;                                     // every station with a series, sorted
  bool empty() const { return talks.empty() && listens.empty(); }
  const StationTalk* talk(const std::string& station, const std::string& stream) const;
  const StationListen* listen(const std::string& station, const std::string& stream) const;
};

// From the kStation answer; series without a station or stream label, or of other names, are
// left out.
StationCounts station_counts(const std::vector<PromSample>& answer);

}  // namespace takt::cell_report
