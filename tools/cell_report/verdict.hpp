#pragma once
// The verdicts: a stream's word in the table and the cell's acceptance rules.
//
// The listener's own verdict (ok, LATE, LOSS, LATE+LOSS, silent) stands, except that a stream
// whose late frames were all in host stalls, with nothing left uncounted, and whose lost frames
// (if any) were all discarded by its stream filters in host stalls, is "ok, host stalls": the
// plan held, the machine did not run it.
//
// Acceptance (what the demo test holds the cell to, on this machine's shared vCPUs): every
// stream received frames; scheduled and bounded streams lose nothing, every late frame of
// theirs is explained, those stay within the miss tolerance of the frames received (or within
// the share of the run the stalls cover, where that is larger: a frame meets a stall that often),
// and the stalls explain something (they cover less than half of the run: otherwise anything
// would be "explained"); best-effort streams lose at most the miss tolerance of what was sent;
// Prometheus has a p99 for every stream, and for scheduled streams its on-time ratio is the
// listener's to one frame. A loss that the stream's own 802.1Qci filters discarded in host
// stalls is not held against it. Protection: no stream filter discards a planned stream's frame
// outside a host stall of its path; a redundant stream (802.1CB) loses nothing and its
// listener receives no duplicate.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/cell_report/cell_result.hpp"
#include "tools/cell_report/probe_summaries.hpp"

namespace takt::cell_report {

std::string stream_verdict(const ListenedStream& listened, std::uint64_t late_in_host_stalls,
                           std::uint64_t lost_in_host_stalls = 0);

struct AcceptanceRules {
  double miss_tolerance = 0.05;
  double max_stall_chance = 0.5;
};

// The rules a stream broke, worded for a person; empty when it passed.
std::vector<std::string> stream_failures(const StreamResult& stream, const AcceptanceRules& rules);

}  // namespace takt::cell_report
