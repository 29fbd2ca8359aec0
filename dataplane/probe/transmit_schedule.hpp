#pragma once
// When a talker sends: stream s transmits its frames of interval k at k x interval + offset
// (TAI; interval k of every stream starts at k x interval, the plan's common epoch, so base
// times are multiples of the interval). This class merges the streams' transmissions into one
// time-ordered sequence; it never reads a clock.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/core/time.hpp"

namespace takt::probe {

struct StreamTiming {
  Nanos interval{0};
  Nanos offset{0};  // within [0, interval)
};

// The first k x interval + offset at or after `t`.
TaiTime first_transmission_at_or_after(const StreamTiming& timing, TaiTime t);

struct Transmission {
  std::size_t stream = 0;           // index into the timings the schedule was built with
  std::int64_t interval_index = 0;  // k
  TaiTime time{};                   // k x interval + offset
};

class TransmitSchedule {
 public:
  // Throws std::invalid_argument when an interval is not positive or an offset is outside it.
  TransmitSchedule(std::vector<StreamTiming> streams, TaiTime start);

  // The earliest pending transmission; ties go to the lower stream index.
  const Transmission& next() const { return next_[earliest_]; }
  // Consumes next() and plans that stream's following interval.
  Transmission pop();
  // Moves `stream` to its first transmission at or after `t` and returns how many intervals
  // that passes over (0 if it was not behind); for a talker that woke up too late to send
  // that stream's frames within their interval.
  std::uint64_t skip_before(std::size_t stream, TaiTime t);

  std::size_t streams() const { return timings_.size(); }

 private:
  void find_earliest();

  std::vector<StreamTiming> timings_;
  std::vector<Transmission> next_;
  std::size_t earliest_ = 0;
};

}  // namespace takt::probe
