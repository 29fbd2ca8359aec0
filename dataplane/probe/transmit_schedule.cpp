#include "dataplane/probe/transmit_schedule.hpp"

#include <stdexcept>
#include <string>

namespace takt::probe {

TaiTime first_transmission_at_or_after(const StreamTiming& timing, TaiTime t) {
  const std::int64_t k = ceil_div(ns_of(t) - timing.offset.count(), timing.interval.count());
  return tai_ns(k * timing.interval.count() + timing.offset.count());
}

namespace {

Transmission first_of(std::size_t stream, const StreamTiming& timing, TaiTime t) {
  const TaiTime time = first_transmission_at_or_after(timing, t);
  return {stream, floor_div(ns_of(time), timing.interval.count()), time};
}

}  // namespace

TransmitSchedule::TransmitSchedule(std::vector<StreamTiming> streams, TaiTime start) : timings_(std::move(streams)) {
  if (timings_.empty()) throw std::invalid_argument("a transmit schedule needs at least one stream");
  for (std::size_t i = 0; i < timings_.size(); ++i) {
    const StreamTiming& s = timings_[i];
    if (s.interval <= Nanos{0})
      throw std::invalid_argument("stream #" + std::to_string(i) + ": interval must be positive");
    if (s.offset < Nanos{0} || s.offset >= s.interval)
      throw std::invalid_argument("stream #" + std::to_string(i) + ": offset " + std::to_string(s.offset.count()) +
                                  " ns is outside its interval of " + std::to_string(s.interval.count()) + " ns");
    next_.push_back(first_of(i, s, start));
  }
  find_earliest();
}

void TransmitSchedule::find_earliest() {
  earliest_ = 0;
  for (std::size_t i = 1; i < next_.size(); ++i)
    if (next_[i].time < next_[earliest_].time) earliest_ = i;
}

Transmission TransmitSchedule::pop() {
  const Transmission out = next_[earliest_];
  Transmission& n = next_[earliest_];
  n.interval_index += 1;
  n.time += timings_[earliest_].interval;
  find_earliest();
  return out;
}

std::uint64_t TransmitSchedule::skip_before(std::size_t stream, TaiTime t) {
  Transmission& n = next_.at(stream);
  if (n.time >= t) return 0;
  const Transmission moved = first_of(stream, timings_[stream], t);
  const auto skipped = static_cast<std::uint64_t>(moved.interval_index - n.interval_index);
  n = moved;
  find_earliest();
  return skipped;
}

}  // namespace takt::probe
