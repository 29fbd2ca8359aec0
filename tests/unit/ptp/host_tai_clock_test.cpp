#include <catch2/catch.hpp>

#include "ptp/host_tai_clock.hpp"

using namespace takt;
using namespace takt::ptp;
using std::chrono::seconds;

TEST_CASE("the kernel TAI offset is rounded to whole seconds", "[ptp][tai]") {
  const Nanos rt{1'795'446'000'000'000'000};
  CHECK(TaiTimescale::kernel_offset_from(rt + Nanos{37'000'000'450}, rt) == seconds{37});
  CHECK(TaiTimescale::kernel_offset_from(rt + Nanos{36'999'999'200}, rt) == seconds{37});
  CHECK(TaiTimescale::kernel_offset_from(rt + Nanos{800}, rt) == seconds{0});
  CHECK(TaiTimescale::kernel_offset_from(rt - Nanos{800}, rt) == seconds{0});
}

TEST_CASE("with a kernel TAI offset, CLOCK_TAI is TAI", "[ptp][tai]") {
  const TaiTimescale ts(seconds{37}, seconds{37});
  CHECK(ts.kernel_offset_set());
  CHECK(ts.clock_tai_correction() == Nanos{0});
  CHECK(ns_of(ts.from_clock_tai(Nanos{1000})) == 1000);
  CHECK(ns_of(ts.from_realtime(Nanos{1000})) == 37'000'001'000);
  CHECK(ts.to_clock_tai(tai_ns(5000)) == Nanos{5000});
}

TEST_CASE("without one, TAI is CLOCK_REALTIME plus the UTC offset, from either clock", "[ptp][tai]") {
  const TaiTimescale ts(seconds{0}, seconds{37});
  CHECK_FALSE(ts.kernel_offset_set());
  // On such a host CLOCK_TAI reads the same as CLOCK_REALTIME: both must map to one TAI.
  const Nanos reading{1'795'446'000'123'456'789};
  CHECK(ts.from_clock_tai(reading) == ts.from_realtime(reading));
  CHECK(ns_of(ts.from_realtime(reading)) == reading.count() + 37'000'000'000);
  CHECK(ts.to_clock_tai(ts.from_clock_tai(reading)) == reading);
}
