#pragma once
// Filtering database: static entries from the plan (MAC + VID -> port set, several ports for
// multicast) and dynamic entries learned from source addresses of best-effort traffic, aged
// with time passed in. Independent VLAN learning: the key is always (MAC, VID).
//
// Not thread-safe: learning mutates, so a dataplane keeps one Fdb per forwarding lcore or
// serialises learning on one core. Lookups never allocate.
#include <cstdint>
#include <vector>

#include "dataplane/core/flat_hash_map.hpp"
#include "dataplane/core/mac_address.hpp"
#include "dataplane/core/port_set.hpp"
#include "dataplane/core/time.hpp"

namespace takt {

struct StaticFdbEntry {
  MacAddress address;
  std::uint16_t vid = 0;
  PortSet ports;
};

struct FdbConfig {
  PortId port_count = 0;
  // 802.1Q recommends 300 s as the default ageing time (range 10 s .. 1,000,000 s).
  Nanos aging_time = std::chrono::seconds(300);
  std::size_t learning_capacity = 4096;
  std::vector<StaticFdbEntry> static_entries;
  // The ports in the active topology for traffic without a static entry (what a spanning tree
  // leaves forwarding): frames are flooded, learned and relayed only among them. A redundant
  // stream's second tree closes a loop; without this its links would circulate broadcasts
  // forever. Static entries (streams) use any port. Empty = every port.
  PortSet active_ports;
};

// link_local: the destination is an 802.1Q reserved address; filtered, never relayed.
enum class ForwardingKind : std::uint8_t { static_entry, learned, flood, link_local };

struct ForwardingDecision {
  PortSet egress;  // never contains the ingress port
  ForwardingKind kind = ForwardingKind::flood;
};

enum class LearnResult : std::uint8_t {
  learned,        // new dynamic entry
  refreshed,      // same port, age reset
  moved,          // station moved to another port
  not_learnable,  // group source address or static entry for this (MAC, VID)
  table_full,
};

class Fdb {
 public:
  // Throws ConfigError for port counts beyond kMaxPorts, static entries naming absent ports or
  // an 802.1Q reserved link-local address, or one (MAC, VID) with two static entries.
  explicit Fdb(const FdbConfig& config);

  LearnResult learn(const MacAddress& source, std::uint16_t vid, PortId ingress, TaiTime now);

  // Egress ports for a frame. Unknown unicast and unregistered group addresses are flooded.
  // The ingress port is always removed: a bridge never sends a frame back where it came from.
  // Reserved link-local destinations (MacAddress::is_reserved_link_local) get no port at all,
  // kind link_local: 802.1Q filters them whatever the tables say.
  ForwardingDecision lookup(const MacAddress& destination, std::uint16_t vid, PortId ingress, TaiTime now) const;

  // Frees slots of entries whose age reached the ageing time. Lookups already ignore such
  // entries, so this only matters for capacity; call it from a slow path now and then.
  std::size_t age_out(TaiTime now);

  std::size_t learned_count() const { return learned_.size(); }
  PortId port_count() const { return port_count_; }

 private:
  struct Learned {
    PortId port = 0;
    TaiTime last_seen{};
  };
  struct KeyHash {
    std::uint64_t operator()(std::uint64_t key) const { return mix64(key); }
  };
  static std::uint64_t key_of(const MacAddress& mac, std::uint16_t vid) {
    return (mac.to_u64() << 12) | (vid & 0x0FFFU);
  }
  bool expired(const Learned& e, TaiTime now) const { return now - e.last_seen >= aging_time_; }

  PortId port_count_;
  Nanos aging_time_;
  PortSet all_ports_;  // the active ports
  FlatHashMap<std::uint64_t, PortSet, KeyHash> static_;
  FlatHashMap<std::uint64_t, Learned, KeyHash> learned_;
};

}  // namespace takt
