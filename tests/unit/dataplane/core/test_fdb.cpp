#include <catch2/catch.hpp>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/fdb.hpp"
#include "frame_builder.hpp"

using namespace takt;
using namespace std::chrono_literals;

namespace {
const MacAddress kPlc = test::mac(0x02'00'00'00'00'01);
const MacAddress kDrive = test::mac(0x02'00'00'00'00'02);
const MacAddress kGroup = test::mac(0x01'00'5e'00'00'07);
const MacAddress kStatic = test::mac(0x02'00'00'00'00'99);
constexpr TaiTime t0 = tai_ns(1'700'000'000'000'000'000);

FdbConfig config() {
  FdbConfig c;
  c.port_count = 4;
  c.aging_time = 10s;
  c.learning_capacity = 8;
  c.static_entries.push_back({kGroup, 10, PortSet(0b1011)});  // multicast to ports 0, 1, 3
  c.static_entries.push_back({kStatic, 10, PortSet::of(2)});
  return c;
}
}  // namespace

TEST_CASE("unknown unicast floods to every port but the ingress", "[fdb]") {
  const Fdb fdb(config());
  const auto d = fdb.lookup(kDrive, 10, 1, t0);
  CHECK(d.kind == ForwardingKind::flood);
  CHECK(d.egress == PortSet(0b1101));
}

TEST_CASE("learned station is forwarded to its port until it ages out", "[fdb]") {
  Fdb fdb(config());
  CHECK(fdb.learn(kDrive, 10, 2, t0) == LearnResult::learned);
  auto d = fdb.lookup(kDrive, 10, 0, t0 + 5s);
  CHECK(d.kind == ForwardingKind::learned);
  CHECK(d.egress == PortSet::of(2));
  // Independent VLAN learning: the same MAC in another VLAN is unknown.
  CHECK(fdb.lookup(kDrive, 11, 0, t0).kind == ForwardingKind::flood);
  // Just before the ageing time the entry still forwards; at it, the station is unknown again.
  CHECK(fdb.lookup(kDrive, 10, 0, t0 + 10s - 1ns).kind == ForwardingKind::learned);
  CHECK(fdb.lookup(kDrive, 10, 0, t0 + 10s).kind == ForwardingKind::flood);
  CHECK(fdb.learned_count() == 1);
  CHECK(fdb.age_out(t0 + 10s) == 1);
  CHECK(fdb.learned_count() == 0);
}

TEST_CASE("refresh resets the age, a move re-points the station", "[fdb]") {
  Fdb fdb(config());
  fdb.learn(kDrive, 10, 2, t0);
  CHECK(fdb.learn(kDrive, 10, 2, t0 + 8s) == LearnResult::refreshed);
  CHECK(fdb.lookup(kDrive, 10, 0, t0 + 17s).kind == ForwardingKind::learned);
  CHECK(fdb.learn(kDrive, 10, 3, t0 + 17s) == LearnResult::moved);
  CHECK(fdb.lookup(kDrive, 10, 0, t0 + 17s).egress == PortSet::of(3));
  CHECK(fdb.age_out(t0 + 20s) == 0);
  // An expired entry seen again counts as newly learned.
  CHECK(fdb.learn(kDrive, 10, 1, t0 + 40s) == LearnResult::learned);
}

TEST_CASE("no hairpin: a frame is never sent back to its ingress port", "[fdb]") {
  Fdb fdb(config());
  fdb.learn(kDrive, 10, 2, t0);
  const auto learned = fdb.lookup(kDrive, 10, 2, t0);  // destination sits behind the ingress port
  CHECK(learned.egress.empty());
  const auto multicast = fdb.lookup(kGroup, 10, 1, t0);
  CHECK(multicast.kind == ForwardingKind::static_entry);
  CHECK(multicast.egress == PortSet(0b1001));
  CHECK(fdb.lookup(kStatic, 10, 2, t0).egress.empty());
  for (PortId in = 0; in < 4; ++in) CHECK_FALSE(fdb.lookup(kPlc, 10, in, t0).egress.contains(in));
}

TEST_CASE("static entries win over learning, group sources are not learned", "[fdb]") {
  Fdb fdb(config());
  CHECK(fdb.learn(kStatic, 10, 0, t0) == LearnResult::not_learnable);
  CHECK(fdb.lookup(kStatic, 10, 1, t0).egress == PortSet::of(2));
  CHECK(fdb.learn(kGroup, 20, 0, t0) == LearnResult::not_learnable);
  CHECK(fdb.learn(kPlc, 10, 7, t0) == LearnResult::not_learnable);  // no such port
  // Unregistered group address floods.
  CHECK(fdb.lookup(test::mac(0x01'00'5e'00'00'08), 10, 0, t0).kind == ForwardingKind::flood);
  CHECK(fdb.lookup(kBroadcastMac, 10, 0, t0).egress == PortSet(0b1110));
}

TEST_CASE("a full learning table reports full, then recovers aged slots by itself", "[fdb]") {
  Fdb fdb(config());
  for (std::uint64_t i = 0; i < 8; ++i)
    REQUIRE(fdb.learn(test::mac(0x020000001000 + i), 10, 1, t0) == LearnResult::learned);
  CHECK(fdb.learn(kPlc, 10, 1, t0 + 1s) == LearnResult::table_full);
  CHECK(fdb.lookup(kPlc, 10, 0, t0 + 1s).kind == ForwardingKind::flood);
  CHECK(fdb.learn(kPlc, 10, 1, t0 + 11s) == LearnResult::learned);
  CHECK(fdb.learned_count() == 1);
}

TEST_CASE("FDB configuration errors name the entry", "[fdb]") {
  auto c = config();
  c.static_entries.push_back({kPlc, 10, PortSet::of(5)});
  CHECK_THROWS_WITH(Fdb(c), Catch::Contains("02:00:00:00:00:01 vid 10 names a port"));
  auto d = config();
  d.static_entries.push_back({kGroup, 10, PortSet::of(2)});
  CHECK_THROWS_WITH(Fdb(d), Catch::Contains("listed twice"));
  auto p = config();
  p.port_count = 65;
  CHECK_THROWS_AS(Fdb(p), ConfigError);
}

TEST_CASE("802.1Q reserved link-local destinations are filtered, never flooded", "[fdb]") {
  Fdb fdb(config());
  // 01-80-C2-00-00-00 .. -0F (Table 8-1): spanning tree, pause, LACP, LLDP (0E too), PTP peer delay.
  for (std::uint64_t low = 0x00; low <= 0x0F; ++low) {
    const auto d = fdb.lookup(test::mac(0x01'80'c2'00'00'00 + low), 0, 1, t0);
    CHECK(d.kind == ForwardingKind::link_local);
    CHECK(d.egress.empty());
  }
  // Tagged the same; and no learning makes them forwardable.
  CHECK(fdb.lookup(test::mac(0x01'80'c2'00'00'0e), 10, 0, t0).kind == ForwardingKind::link_local);
  // Just outside the range they are ordinary group addresses: flooded.
  CHECK(fdb.lookup(test::mac(0x01'80'c2'00'00'10), 0, 1, t0).kind == ForwardingKind::flood);
  CHECK(fdb.lookup(test::mac(0x01'80'c2'00'01'00), 0, 1, t0).kind == ForwardingKind::flood);
  CHECK(fdb.lookup(test::mac(0x01'80'c3'00'00'0e), 0, 1, t0).kind == ForwardingKind::flood);
}

TEST_CASE("a static entry for a reserved link-local address is rejected", "[fdb]") {
  FdbConfig c = config();
  c.static_entries.push_back({test::mac(0x01'80'c2'00'00'0e), 0, PortSet(0b0011)});
  CHECK_THROWS_AS(Fdb(c), ConfigError);
  try {
    Fdb fdb(c);
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("01:80:c2:00:00:0e") && Catch::Contains("802.1Q"));
  }
}

TEST_CASE("off the active topology only static entries are relayed", "[fdb]") {
  FdbConfig c = config();
  c.active_ports = PortSet(0b0111);  // port 3 closes a loop
  Fdb fdb(c);
  // Floods leave out port 3, from any active port.
  CHECK(fdb.lookup(kDrive, 10, 0, t0).egress == PortSet(0b0110));
  // Nothing without a static entry is learned or relayed from port 3...
  CHECK(fdb.learn(kPlc, 10, 3, t0) == LearnResult::not_learnable);
  const auto from_blocked = fdb.lookup(kDrive, 10, 3, t0);
  CHECK(from_blocked.egress.empty());
  // ...but a stream's static entry uses it both ways.
  CHECK(fdb.lookup(kGroup, 10, 3, t0).egress == PortSet(0b0011));
  CHECK(fdb.lookup(kGroup, 10, 0, t0).egress == PortSet(0b1010));
  // A learned station is never reached through the inactive port.
  REQUIRE(fdb.learn(kPlc, 10, 1, t0) == LearnResult::learned);
  CHECK(fdb.lookup(kPlc, 10, 0, t0).egress == PortSet::of(1));
}
