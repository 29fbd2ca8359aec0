#pragma once
// IEEE 802.1Qci per-stream filtering and policing (8.6.5.1) for one stream filter instance:
// a frame that matched the filter (its stream handle and priority) passes the maximum SDU
// size check, then the stream gate, then the flow meter, in that order, and is counted where
// it stopped. The stream gate's schedule is a GateEngine owned by whoever publishes schedules;
// this class takes the gate's state at the frame's arrival and keeps what changes per frame:
// the meter's buckets, the blocked flags and the counters.
#include <cstdint>
#include <optional>

#include "dataplane/core/flow_meter.hpp"
#include "dataplane/core/time.hpp"

namespace takt {

struct StreamFilterConfig {
  std::uint32_t max_sdu_size = 0;  // octets, destination address to end of payload, no FCS; 0 = no limit
  // StreamBlockedDueToOversizeFrameEnable: one oversize frame blocks the stream filter for good
  // (until management clears it).
  bool block_oversize = false;
  // GateClosedDueToInvalidRxEnable: one frame arriving while the gate is closed closes the
  // gate for good (until management clears it).
  bool close_gate_on_invalid_rx = false;
  std::optional<FlowMeterConfig> meter;
  friend bool operator==(const StreamFilterConfig&, const StreamFilterConfig&) = default;
};

// 802.1Qci 12.31.3 counters of a stream filter; red frames are the flow meter's.
struct StreamFilterCounters {
  std::uint64_t matching = 0;         // MatchingFramesCount
  std::uint64_t passing = 0;          // PassingFramesCount: passed the gate
  std::uint64_t not_passing = 0;      // NotPassingFramesCount: discarded by the gate
  std::uint64_t passing_sdu = 0;      // PassingSDUCount
  std::uint64_t not_passing_sdu = 0;  // NotPassingSDUCount
  std::uint64_t red = 0;              // REDFramesCount
  std::uint64_t yellow_dropped = 0;   // yellow frames discarded by DropOnYellow
  std::uint64_t blocked = 0;          // discarded because a blocking flag was set earlier

  StreamFilterCounters& operator+=(const StreamFilterCounters& o) {
    matching += o.matching;
    passing += o.passing;
    not_passing += o.not_passing;
    passing_sdu += o.passing_sdu;
    not_passing_sdu += o.not_passing_sdu;
    red += o.red;
    yellow_dropped += o.yellow_dropped;
    blocked += o.blocked;
    return *this;
  }
  std::uint64_t discarded() const { return not_passing + not_passing_sdu + red + yellow_dropped + blocked; }
};

enum class FilterVerdict : std::uint8_t { pass, sdu_too_large, gate_closed, red, yellow, blocked };

// Adds `frames` frames that all passed to `c`, as count() would one by one.
inline void count_passing(StreamFilterCounters& c, std::uint64_t frames) {
  c.matching += frames;
  c.passing_sdu += frames;
  c.passing += frames;
}

// Adds one frame's verdict to `c` the way 802.1Qci counts it (a frame stopped by the meter did
// pass the SDU check and the gate).
inline void count(StreamFilterCounters& c, FilterVerdict v) {
  ++c.matching;
  switch (v) {
    case FilterVerdict::blocked:
      ++c.blocked;
      return;
    case FilterVerdict::sdu_too_large:
      ++c.not_passing_sdu;
      return;
    case FilterVerdict::gate_closed:
      ++c.passing_sdu;
      ++c.not_passing;
      return;
    case FilterVerdict::red:
      ++c.red;
      break;
    case FilterVerdict::yellow:
      ++c.yellow_dropped;
      break;
    case FilterVerdict::pass:
      break;
  }
  ++c.passing_sdu;
  ++c.passing;
}

class StreamFilter {
 public:
  explicit StreamFilter(const StreamFilterConfig& config = {}, TaiTime now = TaiTime{});

  // `gate_open`: the stream gate's state at `now` (true when the filter has no gate).
  FilterVerdict filter(std::uint32_t frame_bytes, bool gate_open, TaiTime now);
  // filter() for a run of `frames` frames that met the filter together (one arrival time, one
  // gate state), the largest `max_frame_bytes`, `total_bytes` together: when every one of them
  // would pass, counts them and returns true; otherwise changes nothing the frames' own filter()
  // calls would not, and returns false (the caller then filters them one by one).
  bool pass_all(std::uint32_t frames, std::uint32_t max_frame_bytes, std::uint64_t total_bytes, bool gate_open,
                TaiTime now);

  const StreamFilterConfig& config() const { return config_; }
  const StreamFilterCounters& counters() const { return counters_; }
  bool blocked_oversize() const { return blocked_oversize_; }
  bool gate_closed_invalid_rx() const { return gate_closed_invalid_rx_; }
  // Management clearing the blocking flags (802.1Qci's ...Enable leaves set to false and back).
  void clear_blocks();

 private:
  FilterVerdict decide(std::uint32_t frame_bytes, bool gate_open, TaiTime now);

  StreamFilterConfig config_;
  std::optional<FlowMeter> meter_;
  StreamFilterCounters counters_;
  bool blocked_oversize_ = false;
  bool gate_closed_invalid_rx_ = false;
};

}  // namespace takt
