#pragma once
// What the bridges' 802.1Qci stream filters dropped and what their 802.1CB recovery did, per
// stream, from the cell's Prometheus (CellQueries::kPsfp and kFrer).
//
// PSFP: every scrape of takt_psfp_discarded_frames_total{bridge, stream, port, reason}; what a
// counter grew between two scrapes was discarded in that interval. A discard of a planned
// stream's own frame is put down to the host when a node of the stream's path (its talker or a
// bridge it crosses) stalled beyond its threshold in that interval, or within the stream's
// max-latency before it: a frame a stall held reaches the next filter late (its stream gate is
// closed) or in a burst with the frames behind it (its flow meter turns red), which no plan
// holds. Any other discard of a planned stream's frame is a protection failure: the filter
// dropped a frame the plan let through. Discards of the wildcard filters (stream "*") are frames
// no filter expected at that port on a scheduled priority: rogue or unidentified traffic.
//
// A discard in a fault the run injected (DEMO_FAULTS: a link cut, a babbler; faults.jsonl) or
// in the settling after it is put down to that fault before any stall: a stream filter that
// stops a cut link's held-back copies when it comes back, or a babbler's frames, is doing its
// job.
//
// Prometheus stamps scrapes in Unix time and the cell's stalls are TAI: TAI = Unix + 37 s, the
// offset the cell's probes and dataplanes use (the kernel's TAI offset, 37 s when unset).
//
// FRER: per bridge and stream, the frames a bridge numbered (sequence generation) and what its
// sequence recovery passed, eliminated (second copies), counted lost (numbers no copy brought)
// and discarded as rogue (copies outside the history window).

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/cell_report/cell_plan.hpp"
#include "tools/cell_report/host_stalls.hpp"
#include "tools/cell_report/probe_summaries.hpp"
#include "tools/cell_report/prometheus_results.hpp"

namespace takt::cell_report {

inline constexpr std::int64_t kTaiMinusUnixNs = 37'000'000'000;

// How much a counter grew between two scrapes, in TAI. from_ns is the scrape before (none: the
// first scrape of the series already had it, so it grew some time since the bridge started).
struct CounterGrowth {
  std::optional<std::int64_t> from_ns;
  std::int64_t until_ns = 0;
  std::uint64_t frames = 0;
};

// One stream filter's discards of one reason.
struct FilterDiscards {
  std::string bridge;
  std::string stream;  // "*": the wildcard filters
  std::string port;
  std::string reason;
  std::vector<CounterGrowth> growth;  // only the intervals in which it grew
  std::uint64_t total() const;
};

// The series of the PSFP answer that grew (a counter that fell, a restarted bridge, counts from
// 0 again), in label order.
std::vector<FilterDiscards> filter_discards(const std::vector<PromSample>& answer,
                                            std::int64_t tai_minus_unix_ns = kTaiMinusUnixNs);

// The median time between two scrapes of one series in the PSFP answer (how finely a discard
// is placed in time); none without two scrapes.
std::optional<std::int64_t> scrape_gap_ns(const std::vector<PromSample>& answer);

// A fault the virtual cell injected, in TAI.
struct InjectedFault {
  std::string fault;  // "link-cut", "babbler"
  std::string what;   // "sw1:p5 - sw3:p1", "sw1:p6"
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

// The cell's faults.jsonl ({"fault", "what", "start-unix-ns", "end-unix-ns"} per line); none
// when the file is missing (a run without DEMO_FAULTS).
std::vector<InjectedFault> read_fault_log(const std::filesystem::path& file,
                                          std::int64_t tai_minus_unix_ns = kTaiMinusUnixNs);

// A stream's discards by its own filters.
struct StreamPsfp {
  std::uint64_t dropped = 0;
  std::uint64_t in_faults = 0;       // in an injected fault or the settling after it
  std::uint64_t in_host_stalls = 0;  // the others that a host stall of its path explains
  std::uint64_t unexplained() const { return dropped - in_faults - in_host_stalls; }
  // Share of the send window in which a discard would find a stall of the stream's path in its
  // scrape interval: what coincidence alone explains. None without a window or a scrape gap.
  std::optional<double> stall_chance;
  std::vector<std::string> where;  // "sw3:p1 flow-meter-red 648 (648 in faults, 0 in host stalls)"
};

// How long after a fault ends its discards still count as its own, beyond the scrape gap: a
// link that comes back hands over what its sender held.
inline constexpr std::int64_t kFaultSettleNs = 1'000'000'000;

StreamPsfp stream_psfp(const std::vector<FilterDiscards>& discards, const StallsByNode& stalls,
                       const std::vector<InjectedFault>& faults, const PlannedStream& stream, const SendWindow& window,
                       std::optional<std::int64_t> scrape_gap);

// The wildcard filters' discards, summed per bridge, port and reason.
struct WildcardDiscards {
  std::string bridge;
  std::string port;
  std::string reason;
  std::uint64_t frames = 0;
};
std::vector<WildcardDiscards> wildcard_discards(const std::vector<FilterDiscards>& discards);

struct FrerCounts {
  std::vector<std::string> generating;  // bridges that numbered the stream
  std::vector<std::string> recovering;  // bridges whose sequence recovery met both trees
  std::uint64_t generated = 0;
  std::uint64_t passed = 0;
  std::uint64_t eliminated = 0;
  std::uint64_t lost = 0;
  std::uint64_t rogue = 0;
  std::uint64_t out_of_order = 0;
  // Frames the recovery passed whose second copy never came: one tree did not deliver them and
  // the other did.
  std::uint64_t one_copy() const { return passed > eliminated ? passed - eliminated : 0; }
};

// By stream, from the FRER answer (sum by __name__, bridge, stream, result).
std::map<std::string, FrerCounts> frer_counts(const std::vector<PromSample>& answer);

}  // namespace takt::cell_report
