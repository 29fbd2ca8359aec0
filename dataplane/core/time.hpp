#pragma once
// Time in takt is integer nanoseconds on the PTP timescale (TAI). dataplane/core never reads a
// clock: callers pass time in, so the controller's simulator can run the same code.
#include <chrono>
#include <cstdint>

namespace takt {

using Nanos = std::chrono::duration<std::int64_t, std::nano>;

// Tag clock for TAI time points. It has no now() on purpose: reading a clock belongs to the
// dpdk/ and agent/ layers, never to core.
struct TaiClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = Nanos;
  using time_point = std::chrono::time_point<TaiClock, Nanos>;
  static constexpr bool is_steady = false;
};

using TaiTime = TaiClock::time_point;

constexpr TaiTime tai_ns(std::int64_t ns) { return TaiTime{Nanos{ns}}; }
constexpr std::int64_t ns_of(TaiTime t) { return t.time_since_epoch().count(); }

// Floor division that rounds toward minus infinity, for cycle arithmetic on times before base.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

}  // namespace takt
