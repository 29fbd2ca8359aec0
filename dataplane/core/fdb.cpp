#include "dataplane/core/fdb.hpp"

#include <string>

#include "dataplane/core/config_error.hpp"

namespace takt {

Fdb::Fdb(const FdbConfig& config)
    : port_count_(config.port_count),
      aging_time_(config.aging_time),
      all_ports_(config.active_ports.empty() ? PortSet::all(config.port_count) : config.active_ports),
      static_(config.static_entries.size()),
      learned_(config.learning_capacity) {
  if (config.port_count == 0 || config.port_count > kMaxPorts)
    throw ConfigError("FDB port count " + std::to_string(config.port_count) + " is outside 1.." +
                      std::to_string(kMaxPorts));
  if (config.aging_time <= Nanos{0}) throw ConfigError("FDB ageing time must be positive (802.1Q default is 300 s)");
  for (const auto& e : config.static_entries) {
    const std::string what = "static FDB entry " + e.address.to_string() + " vid " + std::to_string(e.vid);
    if (e.vid > 4094) throw ConfigError(what + ": VID must be 0..4094");
    if (e.address.is_reserved_link_local())
      throw ConfigError(what +
                        ": 01:80:c2:00:00:00..0f are reserved for link-local protocols (IEEE 802.1Q Table 8-1) "
                        "and never forwarded; give the stream a destination outside that range");
    if ((e.ports.bits() & ~PortSet::all(config.port_count).bits()) != 0)
      throw ConfigError(what + " names a port >= the bridge's " + std::to_string(config.port_count) + " ports");
    if (static_.find(key_of(e.address, e.vid)) != nullptr)
      throw ConfigError(what + " is listed twice; merge the port sets into one entry");
    static_.insert_or_assign(key_of(e.address, e.vid), e.ports);
  }
}

LearnResult Fdb::learn(const MacAddress& source, std::uint16_t vid, PortId ingress, TaiTime now) {
  const std::uint64_t key = key_of(source, vid);
  if (source.is_group() || ingress >= port_count_ || !all_ports_.contains(ingress) || static_.find(key) != nullptr)
    return LearnResult::not_learnable;
  if (Learned* e = learned_.find(key)) {
    const bool moved = e->port != ingress;
    const bool was_expired = expired(*e, now);
    *e = Learned{ingress, now};
    if (was_expired) return LearnResult::learned;
    return moved ? LearnResult::moved : LearnResult::refreshed;
  }
  if (learned_.insert_or_assign(key, Learned{ingress, now}) == nullptr) {
    // Full: reclaim aged slots once and retry, so a table full of stale stations recovers
    // without waiting for the slow-path sweep.
    if (age_out(now) == 0) return LearnResult::table_full;
    if (learned_.insert_or_assign(key, Learned{ingress, now}) == nullptr) return LearnResult::table_full;
  }
  return LearnResult::learned;
}

ForwardingDecision Fdb::lookup(const MacAddress& destination, std::uint16_t vid, PortId ingress, TaiTime now) const {
  if (destination.is_reserved_link_local()) return {PortSet{}, ForwardingKind::link_local};
  const std::uint64_t key = key_of(destination, vid);
  if (const PortSet* ports = static_.find(key)) return {ports->without(ingress), ForwardingKind::static_entry};
  // Off the active topology only streams travel: anything else arriving there is discarded.
  if (!all_ports_.contains(ingress)) return {PortSet{}, ForwardingKind::flood};
  if (!destination.is_group()) {
    if (const Learned* e = learned_.find(key); e != nullptr && !expired(*e, now))
      return {PortSet::of(e->port).without(ingress), ForwardingKind::learned};
  }
  return {all_ports_.without(ingress), ForwardingKind::flood};
}

std::size_t Fdb::age_out(TaiTime now) {
  return learned_.erase_if([&](std::uint64_t, const Learned& e) { return expired(e, now); });
}

}  // namespace takt
