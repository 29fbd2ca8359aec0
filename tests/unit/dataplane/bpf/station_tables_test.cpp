#include "dataplane/bpf/station_tables.hpp"

#include <cstring>
#include <string>

#include <catch2/catch.hpp>

#include "dataplane/core/config_error.hpp"
#include "dataplane/probe/probe_stream.hpp"
#include "telemetry/histogram.hpp"

using namespace takt;
using namespace takt::station;
using namespace std::chrono_literals;

namespace {

MacAddress mac(const char* text) { return *MacAddress::parse(text); }

TalkerStream talker(const std::string& name, const char* destination) {
  TalkerStream t;
  t.name = name;
  t.kind = StreamKind::scheduled;
  t.interval = Nanos{1'000'000};
  t.max_frame_bytes = 200;
  t.destination = mac(destination);
  t.vlan = 100;
  t.pcp = 6;
  t.max_latency = Nanos{500'000};
  t.offset = Nanos{100'000};
  t.window = Nanos{50'000};
  t.committed_information_rate_bps = 1'600'001;
  t.committed_burst_bytes = 400;
  return t;
}

ListenerStream listener(const std::string& name, const char* destination) {
  ListenerStream l;
  l.name = name;
  l.interval = Nanos{1'000'000};
  l.max_frame_bytes = 200;
  l.destination = mac(destination);
  l.vlan = 100;
  l.pcp = 6;
  l.max_latency = Nanos{500'000};
  l.arrival_offset = Nanos{120'000};
  l.arrival_window = Nanos{60'000};
  return l;
}

StationTables tables_of(const StationConfig& c, MacAddress own = mac("02:00:00:00:00:02")) {
  return station_tables(c, own, assign_indexes({}, talk_names(c)), assign_indexes({}, listen_names(c)));
}

}  // namespace

TEST_CASE("station tables: a talker stream becomes its keys, tag, priority, token bucket and window", "[station]") {
  StationConfig c;
  c.talks.push_back(talker("axis", "91:e0:f0:00:00:05"));
  const auto t = tables_of(c);
  REQUIRE(t.talks.size() == 1);
  const auto& e = t.talks[0];
  CHECK(e.index == 0);
  CHECK_FALSE(e.ip_key.has_value());
  // Tagged with the plan's VLAN, and untagged (the program tags it): both lead to the stream.
  REQUIRE(e.mac_keys.size() == 2);
  CHECK(e.mac_keys[0].vlan == 100);
  CHECK(e.mac_keys[1].vlan == 0);
  CHECK(std::memcmp(e.mac_keys[0].destination, mac("91:e0:f0:00:00:05").octets.data(), 6) == 0);
  CHECK(e.config.vlan_tci == ((6 << 13) | 100));
  CHECK(e.config.skb_priority == 6);
  CHECK(e.config.rewrite_destination == 0);
  CHECK(e.config.scheduled == 1);
  CHECK(e.config.offset_ns == 100'000);
  CHECK(e.config.window_ns == 50'000);
  // 1,600,001 bit/s rounds up to whole bytes, so a talker exactly at its TSpec conforms.
  CHECK(e.config.rate_bytes_per_s == 200'001);
  CHECK(e.config.burst_bytes == 400);
  CHECK(e.config.dscp == TAKT_DSCP_ANY);
  CHECK(t.ip_masks_in_use == 0);
}

TEST_CASE("station tables: histogram bounds are the shared buckets with the window's end, padded", "[station]") {
  StationConfig c;
  c.talks.push_back(talker("axis", "91:e0:f0:00:00:05"));
  c.listens.push_back(listener("axis-back", "91:e0:f0:00:00:06"));
  const auto t = tables_of(c);
  const auto expect = [](const __s64(&bounds)[TAKT_STATION_BUCKETS], Nanos edge) {
    const auto buckets = telemetry::LatencyBuckets::with_deadline(edge);
    const auto b = buckets.upper_bounds_ns();
    for (std::size_t i = 0; i < TAKT_STATION_BUCKETS; ++i) {
      INFO("slot " << i);
      CHECK(bounds[i] == (i < b.size() ? b[i] : TAKT_STATION_BOUND_PAD));
    }
    // The seven-step search the program does lands where LatencyBuckets::index_of does.
    for (std::int64_t v : {std::int64_t{-5}, std::int64_t{0}, std::int64_t{1}, edge.count() - 1, edge.count(),
                           edge.count() + 1, std::int64_t{7'000'000}, std::int64_t{100'000'000},
                           std::int64_t{100'000'001}, std::int64_t{1'000'000'000'000}}) {
      std::uint32_t i = 0;
      for (std::uint32_t step : {64u, 32u, 16u, 8u, 4u, 2u, 1u})
        if (bounds[i + step - 1] < v) i += step;
      INFO("value " << v);
      CHECK(i == buckets.index_of(v));
    }
  };
  expect(t.talks[0].config.phase_bounds, Nanos{50'000});
  expect(t.listens[0].config.phase_bounds, Nanos{60'000});
  expect(t.listens[0].config.latency_bounds, Nanos{500'000});
}

TEST_CASE("station tables: an IP stream is keyed on its 5-tuple and rewritten to the stream's address", "[station]") {
  StationConfig c;
  auto t = talker("opcua", "91:e0:f0:00:00:09");
  IpIdentification ip;
  ip.destination = IpAddress::v4(10, 9, 0, 2);
  ip.destination_port = 4840;
  ip.dscp = 46;
  t.ip = ip;
  c.talks.push_back(t);
  auto l = listener("opcua", "91:e0:f0:00:00:09");
  l.ip = ip;
  c.listens.push_back(l);
  const auto own = mac("02:00:00:00:00:02");
  const auto tables = tables_of(c, own);
  const auto& e = tables.talks[0];
  CHECK(e.mac_keys.empty());
  REQUIRE(e.ip_key.has_value());
  CHECK(e.ip_key->mask == TAKT_IP_MATCH_DESTINATION_PORT);
  CHECK(e.ip_key->protocol == kIpProtoUdp);
  CHECK(e.ip_key->destination_port == 0xE812);  // 4840 = 0x12E8, in network order
  CHECK(e.ip_key->source_port == 0);
  const std::uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 9, 0, 2};
  CHECK(std::memcmp(e.ip_key->destination, mapped, 16) == 0);
  CHECK(tables.ip_masks_in_use == (1u << TAKT_IP_MATCH_DESTINATION_PORT));
  CHECK(e.config.rewrite_destination == 1);
  CHECK(e.config.dscp == 46);
  // The listener gives the frame back its own address and removes the tag.
  const auto& le = tables.listens[0];
  CHECK(le.config.restore == 1);
  CHECK(std::memcmp(le.config.restore_destination, own.octets.data(), 6) == 0);
  CHECK(le.config.probe_stream_id == probe::probe_stream_id("opcua"));
  CHECK(le.config.arrival_offset_ns == 120'000);
  CHECK(le.config.arrival_window_ns == 60'000);
}

TEST_CASE("station tables: streams that would claim the same frames are refused by name", "[station]") {
  StationConfig c;
  c.talks.push_back(talker("a", "91:e0:f0:00:00:05"));
  c.talks.push_back(talker("b", "91:e0:f0:00:00:05"));
  CHECK_THROWS_WITH(tables_of(c), Catch::Contains("'a' and 'b'"));
  // Same address, other VLAN: distinct, but neither may also claim the untagged form.
  c.talks[1].vlan = 200;
  const auto t = tables_of(c);
  CHECK(t.talks[0].mac_keys.size() == 1);
  CHECK(t.talks[1].mac_keys.size() == 1);
  // Two IP streams with one 5-tuple.
  StationConfig ipc;
  IpIdentification ip;
  ip.destination = IpAddress::v4(10, 0, 0, 1);
  auto x = talker("x", "91:e0:f0:00:00:01");
  x.ip = ip;
  auto y = talker("y", "91:e0:f0:00:00:02");
  y.ip = ip;
  ipc.talks = {x, y};
  CHECK_THROWS_AS(tables_of(ipc), ConfigError);
}

TEST_CASE("station tables: a stream keeps its index across plans, a new one takes a free index", "[station]") {
  const IndexTable first = assign_indexes({}, {"a", "b", "c"});
  CHECK(first.at("a") == 0);
  CHECK(first.at("b") == 1);
  CHECK(first.at("c") == 2);
  const IndexTable second = assign_indexes(first, {"c", "d", "a"});
  CHECK(second.at("a") == 0);
  CHECK(second.at("c") == 2);
  CHECK(second.at("d") == 1);  // b's index, free again
  CHECK(second.size() == 3);
  std::vector<std::string> many(TAKT_STATION_MAX_STREAMS + 1);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = std::to_string(i);
  CHECK_THROWS_AS(assign_indexes({}, many), std::length_error);
}
