#pragma once
// IEEE 802.1Qci flow meter (8.6.5.1.3): the MEF 10.3 bandwidth profile, colour-blind, with a
// committed bucket (CIR, CBS) and an excess bucket (EIR, EBS), coupling flag 0. A frame that
// finds enough committed tokens is green, else enough excess tokens yellow, else red. Tokens
// are kept exactly, in bit-nanoseconds (bytes x 8 x 1e9), so a rate in bit/s refills
// `rate` units per nanosecond without rounding.
#include <cstdint>

#include "dataplane/core/time.hpp"

namespace takt {

struct FlowMeterConfig {
  std::int64_t committed_information_rate_bps = 0;  // CIR
  std::int64_t committed_burst_size_bytes = 0;      // CBS
  std::int64_t excess_information_rate_bps = 0;     // EIR
  std::int64_t excess_burst_size_bytes = 0;         // EBS
  bool drop_on_yellow = false;                      // DropOnYellow: yellow frames are discarded
  // MarkAllFramesRedEnable: after the first red frame every frame is red until the meter is
  // reset by management (MarkAllFramesRed).
  bool mark_all_frames_red_enable = false;
  friend bool operator==(const FlowMeterConfig&, const FlowMeterConfig&) = default;
};

enum class MeterColor : std::uint8_t { green, yellow, red };

class FlowMeter {
 public:
  // Both buckets start full. Throws ConfigError on negative rates or sizes, or sizes beyond
  // 1 GB (which keeps the token arithmetic far inside int64).
  explicit FlowMeter(const FlowMeterConfig& config = {}, TaiTime now = TaiTime{});

  MeterColor meter(std::uint32_t frame_bytes, TaiTime now);
  // meter() for a run of frames arriving at `now`, `total_bytes` together, when every one of them
  // would be green: takes their tokens and returns true. Otherwise false, and the tokens are as
  // they were (refilled to `now`, which meter() at `now` would do first anyway). Exact: with
  // tokens for the sum, each frame in turn finds tokens for itself.
  bool take_green(std::uint64_t total_bytes, TaiTime now);

  bool mark_all_frames_red() const { return mark_all_red_; }
  void clear_mark_all_frames_red() { mark_all_red_ = false; }
  const FlowMeterConfig& config() const { return config_; }

 private:
  // Adds elapsed x rate tokens, capped at capacity; `fills_in` is the time an empty bucket takes
  // to fill (so the product never overflows and no division runs per frame).
  void refill_to(TaiTime now);
  static std::int64_t refill(std::int64_t tokens, std::int64_t capacity, std::int64_t rate_bps, std::int64_t fills_in,
                             Nanos elapsed);

  FlowMeterConfig config_;
  std::int64_t committed_ = 0;  // bit-ns
  std::int64_t excess_ = 0;
  std::int64_t committed_capacity_ = 0;
  std::int64_t excess_capacity_ = 0;
  std::int64_t committed_fills_in_ = 0;  // ns
  std::int64_t excess_fills_in_ = 0;
  TaiTime last_{};
  bool mark_all_red_ = false;
};

}  // namespace takt
