#include "dataplane/bpf/station_tables.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "dataplane/core/config_error.hpp"
#include "dataplane/probe/probe_stream.hpp"
#include "telemetry/histogram.hpp"

namespace takt::station {
namespace {

static_assert(telemetry::LatencyBuckets::max_buckets == TAKT_STATION_BUCKETS,
              "the programs search the histogram's own padded bounds, slot for slot");
// The kernel refuses a per-CPU map whose value exceeds PCPU_MIN_UNIT_SIZE; the counters grow with
// the buckets.
static_assert(sizeof(takt_listen_stats) <= 32 * 1024 && sizeof(takt_talk_stats) <= 32 * 1024,
              "a per-CPU map value may take at most 32 KiB");

// The programs' bounds are the shared buckets' padded bounds as they are, so their seven-step
// search lands where LatencyBuckets::index_of does.
void fill_bounds(__s64 (&out)[TAKT_STATION_BUCKETS], Nanos edge) {
  const telemetry::LatencyBuckets buckets = station_buckets(edge);
  const auto padded = buckets.padded_bounds_ns();
  std::copy(padded.begin(), padded.end(), std::begin(out));
}

takt_mac_key mac_key(const MacAddress& destination, std::uint16_t vlan) {
  takt_mac_key k{};
  std::memcpy(k.destination, destination.octets.data(), 6);
  k.vlan = vlan;
  return k;
}

std::uint16_t big_endian(std::uint16_t v) { return static_cast<std::uint16_t>((v >> 8) | (v << 8)); }

takt_ip_key ip_key(const IpIdentification& ip) {
  takt_ip_key k{};
  k.protocol = ip.protocol;
  std::memcpy(k.destination, ip.destination.bytes.data(), 16);
  if (ip.source) {
    k.mask |= TAKT_IP_MATCH_SOURCE;
    std::memcpy(k.source, ip.source->bytes.data(), 16);
  }
  if (ip.source_port) {
    k.mask |= TAKT_IP_MATCH_SOURCE_PORT;
    k.source_port = big_endian(*ip.source_port);
  }
  if (ip.destination_port) {
    k.mask |= TAKT_IP_MATCH_DESTINATION_PORT;
    k.destination_port = big_endian(*ip.destination_port);
  }
  return k;
}

std::uint64_t positive(Nanos n) { return static_cast<std::uint64_t>(std::max<std::int64_t>(n.count(), 0)); }

// Both the tagged and the untagged form: an application may send untagged to the stream's
// address (the program tags it), and a listener's bridge or NIC may have removed the tag. The
// untagged form only where no other stream of the direction has the address, which would
// leave an untagged frame ambiguous.
std::vector<takt_mac_key> null_keys(const StationStream& s, const std::multiset<std::uint64_t>& destinations) {
  std::vector<takt_mac_key> keys{mac_key(s.destination, s.vlan)};
  if (destinations.count(s.destination.to_u64()) == 1) keys.push_back(mac_key(s.destination, 0));
  return keys;
}

template <class Stream>
std::multiset<std::uint64_t> null_destinations(const std::vector<Stream>& streams) {
  std::multiset<std::uint64_t> out;
  for (const auto& s : streams)
    if (!s.ip) out.insert(s.destination.to_u64());
  return out;
}

// Two streams claiming one key would leave it to map order which of them a frame counts for.
// Keys by their bytes (a std::string holds them; GCC 12's -O3 warns falsely on a map of byte vectors).
using Claimed = std::map<std::string, std::string>;

template <class Key>
void claim(Claimed& claimed, const Key& key, const std::string& stream, const char* what) {
  auto [it, inserted] = claimed.emplace(std::string(reinterpret_cast<const char*>(&key), sizeof(Key)), stream);
  if (!inserted) {
    throw ConfigError(
        fmt::format("streams '{}' and '{}' have the same {}: the station could not tell their frames apart", it->second,
                    stream, what));
  }
}

}  // namespace

telemetry::LatencyBuckets station_buckets(Nanos edge) {
  return edge.count() > 0 ? telemetry::LatencyBuckets::with_deadline(edge) : telemetry::LatencyBuckets::standard();
}

IndexTable assign_indexes(const IndexTable& previous, const std::vector<std::string>& names) {
  if (names.size() > TAKT_STATION_MAX_STREAMS) {
    throw std::length_error(fmt::format("{} streams in one direction; takt-station holds at most {}", names.size(),
                                        TAKT_STATION_MAX_STREAMS));
  }
  IndexTable next;
  std::set<std::uint32_t> used;
  for (const auto& name : names) {
    if (auto it = previous.find(name); it != previous.end()) {
      next.emplace(name, it->second);
      used.insert(it->second);
    }
  }
  std::uint32_t free_index = 0;
  for (const auto& name : names) {
    if (next.contains(name)) continue;
    while (used.contains(free_index)) ++free_index;
    next.emplace(name, free_index);
    used.insert(free_index);
  }
  return next;
}

std::vector<std::string> talk_names(const StationConfig& config) {
  std::vector<std::string> names;
  for (const auto& t : config.talks) names.push_back(t.name);
  return names;
}

std::vector<std::string> listen_names(const StationConfig& config) {
  std::vector<std::string> names;
  for (const auto& l : config.listens) names.push_back(l.name);
  return names;
}

StationTables station_tables(const StationConfig& config, const MacAddress& own_address, const IndexTable& talk_indexes,
                             const IndexTable& listen_indexes) {
  StationTables tables;
  Claimed claimed_talk;
  const auto talk_destinations = null_destinations(config.talks);
  for (const auto& t : config.talks) {
    TalkEntry e;
    e.name = t.name;
    e.index = talk_indexes.at(t.name);
    auto& c = e.config;
    std::memcpy(c.destination, t.destination.octets.data(), 6);
    c.rewrite_destination = t.ip ? 1 : 0;
    c.scheduled = t.offset ? 1 : 0;
    c.vlan_tci = static_cast<__u16>((t.pcp << 13) | t.vlan);
    c.dscp = t.ip && t.ip->dscp ? *t.ip->dscp : TAKT_DSCP_ANY;
    c.skb_priority = t.pcp;
    c.interval_ns = positive(t.interval);
    c.offset_ns = t.offset ? positive(*t.offset) : 0;
    c.window_ns = positive(t.window);
    // bits per second to bytes per second, rounded up so a talker exactly at its TSpec conforms.
    c.rate_bytes_per_s = static_cast<__u64>((std::max<std::int64_t>(t.committed_information_rate_bps, 0) + 7) / 8);
    c.burst_bytes = static_cast<__u64>(std::max<std::int64_t>(t.committed_burst_bytes, 0));
    fill_bounds(c.phase_bounds, t.offset ? t.window : Nanos{0});
    if (t.ip) {
      e.ip_key = ip_key(*t.ip);
      claim(claimed_talk, *e.ip_key, t.name, "IP stream identification");
      tables.ip_masks_in_use |= 1u << e.ip_key->mask;
    } else {
      e.mac_keys = null_keys(t, talk_destinations);
      for (const auto& k : e.mac_keys) claim(claimed_talk, k, t.name, "destination address and VLAN");
    }
    tables.talks.push_back(std::move(e));
  }
  Claimed claimed_listen;
  std::multiset<std::uint64_t> listen_destinations;
  for (const auto& l : config.listens) listen_destinations.insert(l.destination.to_u64());
  for (const auto& l : config.listens) {
    ListenEntry e;
    e.name = l.name;
    e.index = listen_indexes.at(l.name);
    auto& c = e.config;
    std::memcpy(c.restore_destination, own_address.octets.data(), 6);
    c.restore = l.ip ? 1 : 0;
    c.scheduled = l.arrival_offset ? 1 : 0;
    c.probe_stream_id = probe::probe_stream_id(l.name);
    c.interval_ns = positive(l.interval);
    c.arrival_offset_ns = l.arrival_offset ? positive(*l.arrival_offset) : 0;
    c.arrival_window_ns = positive(l.arrival_window);
    c.max_latency_ns = positive(l.max_latency);
    fill_bounds(c.phase_bounds, l.arrival_offset ? l.arrival_window : Nanos{0});
    fill_bounds(c.latency_bounds, l.max_latency);
    e.mac_keys = null_keys(l, listen_destinations);
    for (const auto& k : e.mac_keys) claim(claimed_listen, k, l.name, "destination address and VLAN");
    tables.listens.push_back(std::move(e));
  }
  return tables;
}

}  // namespace takt::station
