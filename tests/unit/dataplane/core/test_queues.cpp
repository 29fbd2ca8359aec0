#include <catch2/catch.hpp>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/tc_queue.hpp"

#include <vector>

using namespace takt;

TEST_CASE("default PCP map is IEEE 802.1Q Table 8-5 for eight traffic classes", "[pcp]") {
  const PcpToTrafficClass map;
  CHECK(map.traffic_class(0) == 1);  // best effort above background
  CHECK(map.traffic_class(1) == 0);
  for (std::uint8_t p = 2; p < 8; ++p) CHECK(map.traffic_class(p) == p);
}

TEST_CASE("PCP map is configurable and validated", "[pcp]") {
  const PcpToTrafficClass flat({0, 0, 0, 0, 0, 0, 7, 7});
  CHECK(flat.traffic_class(5) == 0);
  CHECK(flat.traffic_class(6) == 7);
  CHECK_THROWS_WITH(PcpToTrafficClass({0, 0, 0, 8, 0, 0, 0, 0}), Catch::Contains("priority 3 maps to traffic class 8"));
}

TEST_CASE("traffic-class queue is FIFO and drops at the tail when full", "[queue]") {
  TcQueue<> q(3);
  for (std::uint32_t i = 0; i < 3; ++i) REQUIRE(q.push(FrameDescriptor{nullptr, 60 + i, i, tai_ns(i)}));
  CHECK_FALSE(q.push(FrameDescriptor{nullptr, 99, 99, tai_ns(9)}));
  CHECK_FALSE(q.push(FrameDescriptor{nullptr, 99, 98, tai_ns(9)}));
  CHECK(q.size() == 3);
  CHECK(q.counters().dropped_queue_full == 2);
  CHECK(q.counters().enqueued_frames == 3);
  CHECK(q.counters().enqueued_bytes == 60 + 61 + 62);
  CHECK(q.counters().max_depth == 3);
  CHECK(q.pop().stream == 0);
  // Wrap-around: the freed slot takes the next frame, order is preserved.
  REQUIRE(q.push(FrameDescriptor{nullptr, 64, 3, tai_ns(3)}));
  CHECK(q.pop().stream == 1);
  CHECK(q.pop().stream == 2);
  CHECK(q.front().stream == 3);
  CHECK(q.pop().length == 64);
  CHECK(q.empty());
  CHECK_THROWS_AS(TcQueue<>(0), ConfigError);
}

TEST_CASE("port queues keep eight independent classes and report which are busy", "[queue]") {
  PortQueues<> port(2);
  CHECK(port.nonempty_mask() == 0);
  port.enqueue(7, FrameDescriptor{nullptr, 64, 1, {}});
  port.enqueue(0, FrameDescriptor{nullptr, 64, 2, {}});
  port.enqueue(0, FrameDescriptor{nullptr, 64, 3, {}});
  CHECK_FALSE(port.enqueue(0, FrameDescriptor{nullptr, 64, 4, {}}));
  CHECK(port.nonempty_mask() == 0b1000'0001);
  CHECK(port[0].counters().dropped_queue_full == 1);
  CHECK(port[7].counters().dropped_queue_full == 0);
  QueueCounters total;
  for (std::size_t tc = 0; tc < 8; ++tc) total += port[tc].counters();
  CHECK(total.enqueued_frames == 3);
  CHECK(total.dropped_queue_full == 1);
  CHECK(total.max_depth == 2);
}

TEST_CASE("bulk push queues in order up to the room left and counts the rest as drop-tail", "[queue]") {
  TcQueue<> q(4);
  REQUIRE(q.push(FrameDescriptor{nullptr, 100, kNoStream, {}}));
  std::vector<FrameDescriptor> run;
  for (std::uint32_t i = 0; i < 5; ++i) run.push_back(FrameDescriptor{nullptr, 60 + i, kNoStream, {}});
  CHECK(q.push_bulk(run.data(), run.size()) == 3);
  CHECK(q.size() == 4);
  CHECK(q.counters().enqueued_frames == 4);
  CHECK(q.counters().enqueued_bytes == 100 + 60 + 61 + 62);
  CHECK(q.counters().dropped_queue_full == 2);
  CHECK(q.counters().max_depth == 4);
  CHECK(q.pop().length == 100);
  CHECK(q.pop().length == 60);
  // Wraps around the ring.
  CHECK(q.push_bulk(run.data(), 2) == 2);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().length);
  CHECK(order == std::vector<std::uint32_t>{61, 62, 60, 61});
  CHECK(q.push_bulk(run.data(), 0) == 0);
}

TEST_CASE("a queue whose capacity is no power of two holds exactly that many frames, in order, across wraps",
          "[queue]") {
  TcQueue<> q(3);
  CHECK(q.capacity() == 3);
  std::uint32_t next_in = 0, next_out = 0;
  for (int round = 0; round < 20; ++round) {
    // Fill to the capacity, in one frame and then a bulk push that overflows by one.
    REQUIRE(q.push(FrameDescriptor{nullptr, next_in++, kNoStream, {}}));
    std::vector<FrameDescriptor> run;
    for (int i = 0; i < 3; ++i)
      run.push_back(FrameDescriptor{nullptr, next_in + static_cast<std::uint32_t>(i), kNoStream, {}});
    REQUIRE(q.push_bulk(run.data(), run.size()) == 2);
    next_in += 2;
    CHECK(q.size() == 3);
    CHECK_FALSE(q.push(FrameDescriptor{nullptr, 999, kNoStream, {}}));
    // Read in place as a selector does, then drain two.
    auto reader = q.reader();
    for (std::uint32_t i = 0; i < 3; ++i, reader.advance()) CHECK((*reader).length == next_out + i);
    CHECK(q.pop().length == next_out++);
    CHECK(q.pop().length == next_out++);
    CHECK(q.pop().length == next_out++);
    CHECK(q.empty());
  }
  CHECK(q.counters().dropped_queue_full == 40);
  CHECK(q.counters().max_depth == 3);
}

TEST_CASE("a queue capacity of zero or beyond the ring's limit is refused", "[queue]") {
  CHECK_THROWS_AS(TcQueue<>(0), ConfigError);
  CHECK_THROWS_AS(TcQueue<>((std::size_t{1} << 24) + 1), ConfigError);
}
