#include <catch2/catch.hpp>

#include "dataplane/core/host_stall.hpp"

using namespace takt;

TEST_CASE("the loop stall detector reports a return later than the chosen pause by more than the threshold",
          "[stall]") {
  LoopStallDetector d(Nanos{500'000});
  REQUIRE(d.enabled());
  CHECK_FALSE(d.at_iteration(tai_ns(1'000'000), Nanos{0}));  // the first iteration has nothing to compare
  // A 50 us rest that took 60 us, then 1 us of work: within the threshold.
  CHECK_FALSE(d.at_iteration(tai_ns(1'060'000), Nanos{50'000}));
  CHECK_FALSE(d.at_iteration(tai_ns(1'061'000), Nanos{0}));
  // Exactly at the threshold over the pause is not a stall; one ns more is.
  CHECK_FALSE(d.at_iteration(tai_ns(1'061'000 + 100'000 + 500'000), Nanos{100'000}));
  const auto s = d.at_iteration(tai_ns(1'661'000 + 50'000 + 500'001), Nanos{50'000});
  REQUIRE(s);
  CHECK(s->start == tai_ns(1'661'000));
  CHECK(s->end == tai_ns(2'211'001));
  CHECK(s->excess == Nanos{500'001});
  // The next iteration measures from the stall's end, not from before it.
  CHECK_FALSE(d.at_iteration(tai_ns(2'212'000), Nanos{0}));
}

TEST_CASE("a busy-polling loop away for 2 ms is a stall of 2 ms", "[stall]") {
  LoopStallDetector d(Nanos{20'000});
  for (std::int64_t t = 0; t < 100'000; t += 500) CHECK_FALSE(d.at_iteration(tai_ns(t), Nanos{0}));
  const auto s = d.at_iteration(tai_ns(99'500 + 2'000'000), Nanos{0});
  REQUIRE(s);
  CHECK(s->excess == Nanos{2'000'000});
  CHECK(s->end - s->start == Nanos{2'000'000});
}

TEST_CASE("a disabled detector never reports", "[stall]") {
  LoopStallDetector d;
  CHECK_FALSE(d.enabled());
  CHECK_FALSE(d.at_iteration(tai_ns(0), Nanos{0}));
  // A threshold of 0 would make any return later than the pause count: disabled means none.
  CHECK_FALSE(d.at_iteration(tai_ns(1'000'000'000), Nanos{0}));
}

TEST_CASE("a talker's send later than the threshold is a stall from the planned time", "[stall]") {
  CHECK_FALSE(late_send(tai_ns(1'000'000), tai_ns(1'400'000), Nanos{500'000}));
  CHECK_FALSE(late_send(tai_ns(1'000'000), tai_ns(1'500'000), Nanos{500'000}));
  const auto s = late_send(tai_ns(1'000'000), tai_ns(1'500'001), Nanos{500'000});
  REQUIRE(s);
  CHECK(*s == HostStall{tai_ns(1'000'000), tai_ns(1'500'001), Nanos{500'001}});
  CHECK_FALSE(late_send(tai_ns(1'000'000), tai_ns(9'000'000), Nanos{0}));  // no threshold: off
}

TEST_CASE("a stall explains a frame whose flight it overlaps, ends included", "[stall]") {
  const HostStall s{tai_ns(1'000), tai_ns(2'000), Nanos{900}};
  CHECK(overlaps(s, tai_ns(2'000), tai_ns(3'000)));  // a late send ends at the frame's transmit time
  CHECK(overlaps(s, tai_ns(0), tai_ns(1'000)));
  CHECK(overlaps(s, tai_ns(1'200), tai_ns(1'300)));
  CHECK(overlaps(s, tai_ns(0), tai_ns(5'000)));
  CHECK_FALSE(overlaps(s, tai_ns(2'001), tai_ns(3'000)));
  CHECK_FALSE(overlaps(s, tai_ns(0), tai_ns(999)));
}
