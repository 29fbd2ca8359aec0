#pragma once
// What takt-station writes into its programs' maps for one plan, computed without touching
// BPF: per stream the keys that identify it and the configuration value, in the maps' own C
// layout (station_maps.h). Pure, so the tests check every byte the programs will read.
//
// Streams keep their map index across plans (hot swap): a stream present before keeps its
// counters, a new one takes a free index, whose counters the loader zeroes first.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/bpf/station_maps.h"
#include "dataplane/core/mac_address.hpp"
#include "protocol/station_config.hpp"
#include "telemetry/histogram.hpp"

namespace takt::station {

struct TalkEntry {
  std::string name;
  std::uint32_t index = 0;
  takt_talk_config config{};
  std::vector<takt_mac_key> mac_keys;  // null identification: (destination, VLAN) and (destination, untagged)
  std::optional<takt_ip_key> ip_key;   // IP identification
};

struct ListenEntry {
  std::string name;
  std::uint32_t index = 0;
  takt_listen_config config{};
  std::vector<takt_mac_key> mac_keys;  // (destination, VLAN) and (destination, untagged)
};

struct StationTables {
  std::vector<TalkEntry> talks;
  std::vector<ListenEntry> listens;
  std::uint32_t ip_masks_in_use = 0;  // takt_station_globals::ip_masks_in_use
};

// The buckets of a histogram with a bound at `edge` (a window's end or a deadline; none when 0):
// what the programs search and what /metrics renders.
telemetry::LatencyBuckets station_buckets(Nanos edge);

// Stream name -> map index, one table per direction, kept by the loader across plans.
using IndexTable = std::map<std::string, std::uint32_t>;

// Keeps the index of every name in `previous` that is still in `names`, gives the others the
// lowest free indexes; throws std::length_error beyond TAKT_STATION_MAX_STREAMS.
IndexTable assign_indexes(const IndexTable& previous, const std::vector<std::string>& names);

// `own_address`: the interface's MAC address, which IP streams get back at the listener.
// Throws ConfigError when two streams would claim the same frames.
StationTables station_tables(const StationConfig& config, const MacAddress& own_address, const IndexTable& talk_indexes,
                             const IndexTable& listen_indexes);

std::vector<std::string> talk_names(const StationConfig& config);
std::vector<std::string> listen_names(const StationConfig& config);

}  // namespace takt::station
