// Which 802.1Qci stream filter a frame meets, and the queue its stream gate's internal priority
// value (IPV) puts it in: priority_to_traffic_class[ipv] instead of [pcp], the frame unchanged.
#include <catch2/catch.hpp>

#include <vector>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/frame_descriptor.hpp"
#include "dataplane/core/ingress_classifier.hpp"
#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/stream_filter_table.hpp"
#include "dataplane/core/tc_queue.hpp"
#include "frame_builder.hpp"

using namespace takt;

namespace {

std::vector<std::uint8_t> tagged_frame(std::uint64_t dst, std::uint8_t pcp, std::uint16_t vid) {
  test::FrameBuilder fb;
  fb.mac(test::mac(dst)).mac(test::mac(0x020000000001)).vlan(kTpidCustomerVlan, pcp, false, vid).u16(0x88B5).zeros(46);
  return fb.bytes();
}

// Streams 0 and 1 both enter at port 0 on priority 6 and leave at port 1; stream 0's gate has
// IPV 7, stream 1's has none.
StreamFilterTable two_streams() {
  const std::vector<StreamFilterKey> filters = {
      {0, 0, 6, 7}, {1, 0, 6, std::nullopt}, {kNoStream, 0, 6, std::nullopt},  // unidentified frames on priority 6
  };
  return StreamFilterTable(2, 2, filters);
}

}  // namespace

TEST_CASE("a frame whose stream gate has IPV 7 is queued in priority 7's class, one without in its PCP's") {
  FdbConfig fdb_config;
  fdb_config.port_count = 2;
  fdb_config.static_entries.push_back({test::mac(0x91e0f0000000), 100, PortSet::of(1)});
  fdb_config.static_entries.push_back({test::mac(0x91e0f0000001), 100, PortSet::of(1)});
  Fdb fdb(fdb_config);
  StreamIdentificationConfig ids_config;
  ids_config.null_streams.push_back({test::mac(0x91e0f0000000), 100, 0});
  ids_config.null_streams.push_back({test::mac(0x91e0f0000001), 100, 1});
  const StreamIdentifier ids(ids_config);
  IngressClassifier classifier(ids, fdb);

  const StreamFilterTable table = two_streams();
  REQUIRE(table.any_ipv());
  // Priorities 6 and 7 in classes 2 and 5: neither their own number nor each other's.
  const PcpToTrafficClass map({1, 0, 2, 3, 4, 5, 2, 5});
  PortQueues<FrameDescriptor> queues(4);

  classifier.start_burst(0, TaiTime{});
  const auto with_ipv = tagged_frame(0x91e0f0000000, 6, 100);
  const auto without = tagged_frame(0x91e0f0000001, 6, 100);
  for (const auto* frame : {&with_ipv, &without}) {
    const IngressDecision d = classifier.classify(std::as_bytes(std::span<const std::uint8_t>(*frame)));
    REQUIRE(d.valid);
    REQUIRE(d.pcp == 6);  // the frame's own priority, unchanged on the wire
    const FrameDescriptor descriptor{nullptr, static_cast<std::uint32_t>(frame->size()), d.stream, TaiTime{}};
    d.forwarding.egress.for_each(
        [&](PortId) { queues.enqueue(table.traffic_class(map, d.stream, 0, d.pcp), descriptor); });
  }
  CHECK(queues[5].size() == 1);  // priority_to_tc[7]
  CHECK(queues[5].front().stream == 0);
  CHECK(queues[2].size() == 1);  // priority_to_tc[6]
  CHECK(queues[2].front().stream == 1);
  CHECK(queues.nonempty_mask() == 0b0010'0100);
  // The frame's PCP still decides the filter: stream 0 on another priority meets none.
  CHECK(table.filter_for(0, 0, 5) == -1);
  CHECK(table.queue_priority(0, 0, 5) == 5);
}

TEST_CASE("the filter table: own stream over wildcard, one priority over any, IPV per filter") {
  const StreamFilterTable t = two_streams();
  CHECK(t.filter_count() == 3);
  CHECK(t.filter_for(0, 0, 6) == 0);
  CHECK(t.filter_for(1, 0, 6) == 1);
  CHECK(t.filter_for(kNoStream, 0, 6) == 2);
  CHECK(t.filter_for(kNoStream, 1, 6) == -1);
  CHECK(t.ipv(0) == 7);
  CHECK(t.ipv(1) == kNoIpv);
  CHECK(t.ipv(-1) == kNoIpv);
  CHECK(t.queue_priority(0, 6) == 7);
  CHECK(t.queue_priority(1, 6) == 6);
  CHECK(t.queue_priority(-1, 3) == 3);
  CHECK(t.queue_priority(kNoStream, 0, 6) == 6);  // the wildcard's gate has no IPV

  // A filter for one priority wins over the stream's filter for any priority.
  const std::vector<StreamFilterKey> keys = {{0, 0, std::nullopt, 3}, {0, 0, 6, std::nullopt}};
  const StreamFilterTable any(1, 1, keys);
  CHECK(any.queue_priority(0, 0, 6) == 6);
  CHECK(any.queue_priority(0, 0, 2) == 3);

  // Without any IPV nothing is looked up: the PCP decides.
  const std::vector<StreamFilterKey> plain = {{0, 0, 6, std::nullopt}};
  const StreamFilterTable none(1, 1, plain);
  CHECK_FALSE(none.any_ipv());
  CHECK(none.queue_priority(0, 0, 6) == 6);
  const StreamFilterTable empty;
  CHECK(empty.filter_for(0, 0, 6) == -1);
  CHECK(empty.queue_priority(0, 0, 6) == 6);
}

TEST_CASE("the filter table refuses keys outside the bridge and IPVs that are not priorities") {
  const auto build = [](StreamFilterKey k) {
    const std::vector<StreamFilterKey> keys = {k};
    return StreamFilterTable(2, 2, keys);
  };
  CHECK_THROWS_WITH(build({2, 0, 6, std::nullopt}), Catch::Contains("stream filter 0: no stream 2"));
  CHECK_THROWS_WITH(build({0, 2, 6, std::nullopt}), Catch::Contains("no port 2"));
  CHECK_THROWS_WITH(build({0, 0, 8, std::nullopt}), Catch::Contains("priority must be 0..7"));
  CHECK_THROWS_WITH(build({0, 0, 6, 8}), Catch::Contains("IPV must be 0..7"));
  CHECK_THROWS_AS(StreamFilterTable(std::size_t{1} << 20, 8, {}), ConfigError);
}
