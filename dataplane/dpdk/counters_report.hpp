#pragma once
// The counters of a finished run: a table on stdout at shutdown and, on request, a JSON file
// that tests and benchmarks read.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "protocol/bridge_config.hpp"
#include "dataplane/dpdk/forwarder.hpp"

namespace takt::dpdk {

// {"elapsed_seconds", "iterations", "ports": {name: {rx_frames, ..., "queues": {tc: {...}}}},
//  "streams": {name: {frames, bytes, dropped}}, "lateness": {count, min_ns, median_ns, p99_ns, max_ns},
//  "protection": see protection_json}
nlohmann::json counters_json(const bridge::BridgeConfig& config, const Forwarder& forwarder);

// What config.protection configures, with its counters:
// {"stream_filters": {stream or "*": {port: {matching, passing_sdu, passing, discarded,
//    not_passing (gate), not_passing_sdu, red, yellow_dropped, blocked}}},
//  "frer": {stream: {"generated"?, "recovery"?: {passed, discarded, out_of_order, rogue, lost, tagless,
//    resets, latent_errors, latent_error_resets, individual_discarded, latent_error}}}}
nlohmann::json protection_json(const bridge::BridgeConfig& config, const ProtectionState& protection);
// One line per configured stream filter and per FRER stream; nothing without protection.
void print_protection(std::FILE* out, const bridge::BridgeConfig& config, const ProtectionState& protection);

void print_counters(std::FILE* out, const bridge::BridgeConfig& config, const Forwarder& forwarder);

}  // namespace takt::dpdk
