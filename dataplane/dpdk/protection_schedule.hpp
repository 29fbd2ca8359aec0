#pragma once
// The read-only half of per-stream protection, published with the gate schedule: which stream
// filter a frame meets (by stream handle, ingress port and priority, or the wildcard filter of
// its port and priority), each filter's stream gate as a GateEngine and the priority it queues
// frames as (IPV), and each stream's 802.1CB role at this bridge. The packet lcore keeps the half that changes per
// frame (meters, blocked flags, recovery histories, counters) in ProtectionState, indexed the same way.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "dataplane/core/gate_engine.hpp"
#include "dataplane/core/sequence_recovery.hpp"
#include "dataplane/core/stream_filter.hpp"
#include "dataplane/core/stream_filter_table.hpp"
#include "dataplane/core/stream_id.hpp"
#include "protocol/bridge_config.hpp"

namespace takt::dpdk {

enum class FrerRole : std::uint8_t { none, generate, recover };

struct ProtectionSchedule {
  std::size_t port_count = 0;
  std::size_t stream_count = 0;
  std::vector<bridge::StreamFilterEntry> filters;  // as configured
  std::vector<StreamFilterConfig> filter_configs;  // per filter
  std::vector<std::optional<GateEngine>> gates;    // per filter; empty: no stream gate
  std::vector<FrerRole> roles;                     // per stream handle
  std::vector<SequenceRecoveryConfig> recovery;    // per stream handle (role recover)
  std::vector<bool> individual_recovery;           // per stream handle
  bool any_filter = false;
  bool any_frer = false;
  TaiTime written_at{};  // the `now` the gate engines were built at

  // Which filter a frame meets and the priority its stream gate queues it as (IPV): the same
  // core table the controller's simulator uses.
  StreamFilterTable table;

  // The filter a frame of `stream` (kNoStream: unidentified) arriving on `port` with priority
  // `pcp` meets, or -1.
  std::int32_t filter_for(StreamHandle stream, std::size_t port, std::uint8_t pcp) const {
    return table.filter_for(stream, port, pcp);
  }
  bool gate_open(std::int32_t filter, TaiTime now) const {
    const auto& g = gates[static_cast<std::size_t>(filter)];
    return !g || g->is_open(0, now);
  }
  // Whether the gate was open at any time in [from, now]: a frame that arrived somewhere in that
  // span (a software bridge learns a frame's arrival only at its next poll) passes if it may
  // have arrived while the gate was open. Times before the schedule was written count from then.
  bool gate_open_during(std::int32_t filter, TaiTime from, TaiTime now) const {
    const auto& g = gates[static_cast<std::size_t>(filter)];
    if (!g) return true;
    from = std::min(std::max(from, written_at), now);  // not clamp: written_at may follow now
    return g->is_open(0, from) || g->next_open(0, from) <= now;
  }
};

// The protection `config` describes, written at `now`: stream gates follow the same rules as
// port gates (a filter that ran before keeps its engine, and a table with config-change starts
// 802.1Qbv's List Config on it). Stream handles are indices into config.streams. Throws
// ConfigError naming the filter or stream.
ProtectionSchedule next_protection(const bridge::BridgeConfig& config, const ProtectionSchedule* running, TaiTime now);

}  // namespace takt::dpdk
