#pragma once
// The per-stream protection a bridge applies at ingress, as the plan configures it:
// IEEE 802.1Qci per-stream filtering and policing (stream filters, each with an optional stream
// gate and flow meter) and IEEE 802.1CB frame replication and elimination (where sequence
// numbers are generated and where they are recovered). Part of takt-bridge/1.
//
// A stream filter is keyed by (stream, ingress port, priority); stream "*" is 802.1Qci's
// wildcard stream handle: it applies to every frame on that port and priority that no filter
// naming its stream matched, unidentified frames included. A wildcard filter whose gate never
// opens is how a bridge drops unidentified frames on a scheduled traffic class.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/core/flow_meter.hpp"
#include "dataplane/core/gate_control_list.hpp"
#include "dataplane/core/sequence_recovery.hpp"
#include "dataplane/core/stream_filter.hpp"
#include "dataplane/core/stream_filter_table.hpp"
#include "protocol/gate_parameter_table.hpp"

namespace takt::bridge {

struct BridgeConfig;

inline constexpr const char* kWildcardStream = "*";

// A stream gate: a gate-parameter-table whose bit 0 of every gate-states value says open (1)
// or closed (0) for the stream; the same base time, cycle time and config-change rules as a
// port's 802.1Qbv gates, installed in the same transaction.
struct StreamGate {
  GateParameterTable schedule;
  bool gate_closed_due_to_invalid_rx_enable = false;
  // admin-ipv (802.1Qci 8.6.5.2.1, 8.6.5.3): frames that pass the gate are queued as if their
  // priority were this (the egress port's priority_to_traffic_class[ipv]); their PCP on the wire
  // stays. Empty: null, the frame's own priority decides. 0..7.
  std::optional<std::uint8_t> ipv;
  friend bool operator==(const StreamGate&, const StreamGate&) = default;
};

struct StreamFilterEntry {
  std::string stream;                    // a stream of BridgeConfig::streams, or kWildcardStream
  std::string port;                      // ingress port
  std::optional<std::uint8_t> priority;  // PCP of the frame; empty = any
  std::uint32_t max_sdu_size = 0;        // 0 = no limit
  bool stream_blocked_due_to_oversize_frame_enable = false;
  std::optional<StreamGate> gate;
  std::optional<FlowMeterConfig> meter;
  friend bool operator==(const StreamFilterEntry&, const StreamFilterEntry&) = default;

  StreamFilterConfig core_config() const {
    return {max_sdu_size, stream_blocked_due_to_oversize_frame_enable,
            gate && gate->gate_closed_due_to_invalid_rx_enable, meter};
  }
};

struct SequenceRecoveryEntry {
  std::string stream;
  SequenceRecoveryConfig recovery;
  // 802.1CB individual recovery: a match recovery per ingress port in front of the stream's
  // recovery, so one member stream that repeats frames cannot use up the history.
  bool individual_recovery = false;
  friend bool operator==(const SequenceRecoveryEntry&, const SequenceRecoveryEntry&) = default;
};

// Where this bridge is the first of a redundant stream's trees, it generates sequence numbers and
// inserts the R-TAG into every copy it forwards; where the trees meet again, it recovers and
// removes the R-TAG, so talkers and listeners never see one.
struct StreamProtection {
  std::vector<StreamFilterEntry> stream_filters;
  std::vector<std::string> sequence_generation;  // stream names
  std::vector<SequenceRecoveryEntry> sequence_recovery;
  bool empty() const { return stream_filters.empty() && sequence_generation.empty() && sequence_recovery.empty(); }
  friend bool operator==(const StreamProtection&, const StreamProtection&) = default;
};

// The core gate control list of a stream gate (bit 0 = open). Throws ConfigError naming the leaf.
GateControlList stream_gate_control_list(const StreamGate& gate);

// Every gate table of the bridge: its ports' 802.1Qbv gates and its stream gates. A commit gives
// them all one base time.
std::vector<GateParameterTable*> gate_tables(BridgeConfig& config);

// Opens every scheduled stream gate (the sync-loss fallback: arrivals no longer follow the plan's
// clock); gates that never open, closing a priority to unidentified frames, stay closed. Every
// gate keeps its IPV: frames still wait in the queues the plan gave them.
StreamProtection with_stream_gates_open(const StreamProtection& protection);

// Checks protection against the bridge's ports and streams; throws ConfigError naming the
// filter or stream.
void validate_protection(const BridgeConfig& config);

// The core lookup of which filter a frame meets and the priority it is queued as (stream handles
// are indices into config.streams, ports into config.ports), as takt-dataplane and the
// controller's simulator both build it. Throws ConfigError naming the filter.
StreamFilterTable stream_filter_table(const BridgeConfig& config);

}  // namespace takt::bridge
