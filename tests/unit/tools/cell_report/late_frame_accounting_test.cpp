// Which late frames a host stall explains: the boundaries of "after the send, before the
// deadline" and "a node of the stream's path".

#include <catch2/catch.hpp>

#include "tools/cell_report/late_frame_accounting.hpp"

using namespace takt::cell_report;

namespace {

constexpr std::int64_t kDeadline = 2'000'000;
constexpr std::int64_t kSend = 5'000'000'000;
const std::vector<std::string> kPath{"plc", "sw1"};

StallsByNode one_stall(const std::string& node, std::int64_t start, std::int64_t end) {
  StallsByNode stalls;
  stalls.add(HostStall{node, "packet-loop", start, end, end - start});
  return stalls;
}

bool explained(const StallsByNode& stalls) {
  return LateFrameAccounting(stalls, kPath, kDeadline).explains(LateFrame{1, kSend, kSend + kDeadline + 1});
}

}  // namespace

TEST_CASE("a talker stall while the frame was in flight explains it", "[cell_report]") {
  CHECK(explained(one_stall("plc", kSend - 100, kSend + 3'000'000)));
}

TEST_CASE("a stall of a bridge on the path explains a late frame", "[cell_report]") {
  CHECK(explained(one_stall("sw1", kSend + 1'000'000, kSend + 1'500'000)));
}

TEST_CASE("a stall of a bridge off the path explains nothing", "[cell_report]") {
  CHECK_FALSE(explained(one_stall("sw2", kSend, kSend + 3'000'000)));
}

TEST_CASE("a stall that ended just before the send explains nothing", "[cell_report]") {
  CHECK_FALSE(explained(one_stall("sw1", kSend - 3'000'000, kSend - 1)));
  CHECK(explained(one_stall("sw1", kSend - 3'000'000, kSend)));
}

TEST_CASE("a stall that began after the deadline explains nothing", "[cell_report]") {
  CHECK_FALSE(explained(one_stall("sw1", kSend + kDeadline + 1, kSend + kDeadline + 900'000)));
  CHECK(explained(one_stall("sw1", kSend + kDeadline, kSend + kDeadline + 900'000)));
}

TEST_CASE("explained counts only the frames a stall covers", "[cell_report]") {
  const auto stalls = one_stall("plc", kSend, kSend + 1'000);
  const LateFrameAccounting accounting(stalls, kPath, kDeadline);
  const std::vector<LateFrame> frames{{1, kSend, 0}, {2, kSend + 10'000'000, 0}, {3, kSend - 500'000, 0}};
  CHECK(accounting.explained(frames) == 2);
}

TEST_CASE("covered time counts overlaps once and clips to the window", "[cell_report]") {
  CHECK(covered_ns({{0, 10}, {5, 15}, {20, 30}}, 0, 100) == 25);
  CHECK(covered_ns({{-10, 10}, {90, 200}}, 0, 100) == 20);
  CHECK(covered_ns({{0, 50}, {10, 20}}, 0, 100) == 50);
  CHECK(covered_ns({{30, 20}}, 0, 100) == 0);
  CHECK(covered_ns({}, 0, 100) == 0);
}

TEST_CASE("stall chance is the share of the send window a stall would explain", "[cell_report]") {
  // A stall of 1 ms explains every frame sent from its start minus the deadline to its end.
  const auto stalls = one_stall("sw1", kSend, kSend + 1'000'000);
  const LateFrameAccounting accounting(stalls, kPath, kDeadline);
  const SendWindow window{kSend - 1'000'000'000, kSend + 1'000'000'000};
  REQUIRE(accounting.stall_chance(window));
  CHECK(*accounting.stall_chance(window) == Approx(3e6 / 2e9));
}

TEST_CASE("stall chance is unknown without a send window", "[cell_report]") {
  const auto stalls = one_stall("sw1", kSend, kSend + 1'000'000);
  const LateFrameAccounting accounting(stalls, kPath, kDeadline);
  CHECK_FALSE(accounting.stall_chance(SendWindow{}));
  CHECK_FALSE(accounting.stall_chance(SendWindow{kSend, kSend}));
}
