#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "dataplane/core/wire_timer.hpp"

using namespace takt;

TEST_CASE("the reciprocal wire time equals the division for every frame length and many rates", "[wire]") {
  // Rates that divide 8e9 evenly, ones that do not, odd primes, the edges of the reciprocal
  // range, and rates past it (which take the division).
  const std::vector<std::int64_t> rates = {1,
                                           3,
                                           10'000'000,
                                           100'000'000,
                                           999'999'937,
                                           1'000'000'000,
                                           2'500'000'000,
                                           10'000'000'000,
                                           25'000'000'000,
                                           40'000'000'001,
                                           100'000'000'000,
                                           400'000'000'000,
                                           WireTimer::kMaxReciprocalRateBps - 1,
                                           WireTimer::kMaxReciprocalRateBps,
                                           WireTimer::kMaxReciprocalRateBps + 1,
                                           1'000'000'000'000'000};
  for (const std::int64_t rate : rates) {
    const WireTimer timer(rate);
    INFO("rate " << rate << " b/s");
    CHECK(timer.rate_bps() == rate);
    for (std::int64_t len = 0; len <= 10'000; ++len) {
      const Nanos expected = transmission_time(wire_bytes_for_frame(len), rate);
      if (timer.frame(len) != expected) {
        FAIL("frame of " << len << " B: " << timer.frame(len).count() << " ns, division gives " << expected.count());
      }
    }
    // Long frames up to and past the reciprocal's frame limit.
    for (std::int64_t bytes = 10'000; bytes <= WireTimer::kMaxReciprocalFrameBytes + 100; bytes = bytes * 3 + 7)
      CHECK(timer.bytes(bytes) == transmission_time(bytes, rate));
    CHECK(timer.bytes(WireTimer::kMaxReciprocalFrameBytes) ==
          transmission_time(WireTimer::kMaxReciprocalFrameBytes, rate));
  }
}

TEST_CASE("reciprocal wire times round up like the division at exact multiples", "[wire]") {
  const WireTimer g100(100'000'000'000);  // 0.08 ns per byte
  CHECK(g100.bytes(25) == Nanos{2});      // exactly 2 ns
  CHECK(g100.bytes(26) == Nanos{3});      // 2.08 ns rounds up
  CHECK(g100.frame(60) == Nanos{7});      // 84 B = 6.72 ns
  const WireTimer g1(1'000'000'000);
  CHECK(g1.frame(1518) == Nanos{12336});
  CHECK(g1.frame(0) == Nanos{672});  // padded to the minimum frame
}
