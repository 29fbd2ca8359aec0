#include "dataplane/core/stream_filter.hpp"

namespace takt {

StreamFilter::StreamFilter(const StreamFilterConfig& config, TaiTime now) : config_(config) {
  if (config.meter) meter_.emplace(*config.meter, now);
}

void StreamFilter::clear_blocks() {
  blocked_oversize_ = false;
  gate_closed_invalid_rx_ = false;
  if (meter_) meter_->clear_mark_all_frames_red();
}

FilterVerdict StreamFilter::filter(std::uint32_t frame_bytes, bool gate_open, TaiTime now) {
  const FilterVerdict v = decide(frame_bytes, gate_open, now);
  count(counters_, v);
  return v;
}

bool StreamFilter::pass_all(std::uint32_t frames, std::uint32_t max_frame_bytes, std::uint64_t total_bytes,
                            bool gate_open, TaiTime now) {
  if (blocked_oversize_ || gate_closed_invalid_rx_ || !gate_open) return false;
  if (config_.max_sdu_size != 0 && max_frame_bytes > config_.max_sdu_size) return false;
  if (meter_ && !meter_->take_green(total_bytes, now)) return false;
  count_passing(counters_, frames);
  return true;
}

FilterVerdict StreamFilter::decide(std::uint32_t frame_bytes, bool gate_open, TaiTime now) {
  if (blocked_oversize_ || gate_closed_invalid_rx_) return FilterVerdict::blocked;
  if (config_.max_sdu_size != 0 && frame_bytes > config_.max_sdu_size) {
    if (config_.block_oversize) blocked_oversize_ = true;
    return FilterVerdict::sdu_too_large;
  }
  if (!gate_open) {
    if (config_.close_gate_on_invalid_rx) gate_closed_invalid_rx_ = true;
    return FilterVerdict::gate_closed;
  }
  if (!meter_) return FilterVerdict::pass;
  switch (meter_->meter(frame_bytes, now)) {
    case MeterColor::green:
      return FilterVerdict::pass;
    case MeterColor::yellow:
      return meter_->config().drop_on_yellow ? FilterVerdict::yellow : FilterVerdict::pass;
    case MeterColor::red:
      break;
  }
  return FilterVerdict::red;
}

}  // namespace takt
