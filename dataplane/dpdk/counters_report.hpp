#pragma once
// The counters of a finished run: a table on stdout at shutdown and, on request, a JSON file
// that tests and benchmarks read.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "protocol/bridge_config.hpp"
#include "dataplane/dpdk/forwarder.hpp"

namespace takt::dpdk {

// {"elapsed_seconds", "iterations", "ports": {name: {rx_frames, ..., "queues": {tc: {...}}}},
//  "streams": {name: {frames, bytes, dropped}}, "lateness": {count, min_ns, median_ns, p99_ns, max_ns}}
nlohmann::json counters_json(const bridge::BridgeConfig& config, const Forwarder& forwarder);

void print_counters(std::FILE* out, const bridge::BridgeConfig& config, const Forwarder& forwarder);

}  // namespace takt::dpdk
