#pragma once
// The takt-probe summaries of a run (--json-summary, format takt-probe-summary/1): what each
// talker sent and each listener received. The station is the file name's
// (talker-<station>.json, listener-<station>.json), as the virtual cell names them.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tools/cell_report/host_stalls.hpp"

namespace takt::cell_report {

struct LateFrame {
  std::uint64_t sequence = 0;
  std::int64_t transmitted_ns = 0;
  std::int64_t received_ns = 0;
};

struct ListenedStream {
  std::string stream;
  std::string listener;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicated = 0;  // frames received twice (an 802.1CB recovery that let a copy through)
  std::int64_t p50_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
  // Only for streams with a max-latency.
  std::optional<std::int64_t> max_latency_ns;
  std::optional<std::uint64_t> deadline_misses;
  std::optional<double> on_time_ratio;
  std::vector<LateFrame> late_frames;
  std::uint64_t late_frames_not_kept = 0;  // the listener keeps a bounded list
  std::string probe_verdict;               // the listener's own: ok, LATE, LOSS, LATE+LOSS, silent
};

struct TalkedStream {
  std::string stream;
  std::string talker;
  std::uint64_t sent = 0;
};

// When the talkers sent: the run's measured time, over which stall coverage is judged.
struct SendWindow {
  std::optional<std::int64_t> first_ns;  // the earliest first transmission of any talker
  std::optional<std::int64_t> until_ns;  // the latest end of any talker
  bool valid() const { return first_ns && until_ns && *until_ns > *first_ns; }
};

struct ProbeSummaries {
  std::vector<TalkedStream> talked;
  std::vector<ListenedStream> listened;
  std::vector<HostStall> talker_stalls;  // the talkers' late sends, node = talker station
  SendWindow window;

  std::uint64_t sent(const std::string& stream) const;
};

// One summary file; `station` names the node its talker stalls belong to.
void read_talker_summary(const std::filesystem::path& file, const std::string& station, ProbeSummaries& into);
void read_listener_summary(const std::filesystem::path& file, const std::string& station, ProbeSummaries& into);

// Every talker-*.json and listener-*.json in the run folder, in name order.
ProbeSummaries read_probe_summaries(const std::filesystem::path& run_dir);

}  // namespace takt::cell_report
