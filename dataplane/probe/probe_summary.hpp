#pragma once
// What takt-probe prints when it stops: a table per stream for people, and the same numbers as
// JSON (--json-summary) for scripts such as the demo and the integration tests.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/probe/probe_receiver.hpp"
#include "dataplane/probe/talker.hpp"

namespace takt::probe {

// Columns: stream, received, lost, duplicated, reordered, p50, p99, max, max-latency, misses,
// on-time %, and a verdict: "ok", "LATE" (deadline misses), "LOSS", "LATE+LOSS" or "silent".
std::string listener_table(const std::vector<StreamReport>& streams);
std::string talker_table(const std::vector<TalkerStreamReport>& streams);

// format "takt-probe-summary/1", role "listener"/"talker"; times in integer ns.
nlohmann::ordered_json listener_summary_json(const std::vector<StreamReport>& streams, std::uint64_t socket_drops);
// The talker's "stalls" per stream: its sends later than stall_threshold, as start-ns (the
// planned time), end-ns (the send) and excess-ns; the listener's "late-frames": sequence,
// transmitted-ns and received-ns of each frame beyond max-latency. Together with the bridges'
// stall logs they tell which late frames a host stall explains.
nlohmann::ordered_json talker_summary_json(const std::vector<TalkerStreamReport>& streams, std::uint32_t session,
                                           Nanos stall_threshold = Nanos{0});

// "ok" when every stream received frames, lost none and missed no deadline.
bool all_on_time(const std::vector<StreamReport>& streams);

}  // namespace takt::probe
