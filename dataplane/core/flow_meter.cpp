#include "dataplane/core/flow_meter.hpp"

#include <algorithm>

#include "dataplane/core/config_error.hpp"

namespace takt {

namespace {

constexpr std::int64_t kBitNanosPerByte = 8'000'000'000;
constexpr std::int64_t kMaxBurstBytes = 1'000'000'000;
constexpr std::int64_t kMaxRateBps = 1'000'000'000'000;  // 1 Tbit/s

}  // namespace

FlowMeter::FlowMeter(const FlowMeterConfig& config, TaiTime now) : config_(config), last_(now) {
  if (config.committed_information_rate_bps < 0 || config.excess_information_rate_bps < 0 ||
      config.committed_information_rate_bps > kMaxRateBps || config.excess_information_rate_bps > kMaxRateBps)
    throw ConfigError("flow meter rates must be between 0 and 1 Tbit/s");
  if (config.committed_burst_size_bytes < 0 || config.excess_burst_size_bytes < 0 ||
      config.committed_burst_size_bytes > kMaxBurstBytes || config.excess_burst_size_bytes > kMaxBurstBytes)
    throw ConfigError("flow meter burst sizes must be between 0 and 1 GB");
  committed_capacity_ = config.committed_burst_size_bytes * kBitNanosPerByte;
  excess_capacity_ = config.excess_burst_size_bytes * kBitNanosPerByte;
  committed_ = committed_capacity_;
  excess_ = excess_capacity_;
}

std::int64_t FlowMeter::refill(std::int64_t tokens, std::int64_t capacity, std::int64_t rate_bps, Nanos elapsed) {
  if (rate_bps == 0 || elapsed <= Nanos{0}) return tokens;
  // elapsed * rate may exceed int64 after a long idle time; the bucket is full long before.
  const std::int64_t to_full = (capacity - tokens + rate_bps - 1) / rate_bps;
  if (elapsed.count() >= to_full) return capacity;
  return tokens + elapsed.count() * rate_bps;
}

MeterColor FlowMeter::meter(std::uint32_t frame_bytes, TaiTime now) {
  const Nanos elapsed = now - last_;
  if (elapsed > Nanos{0}) {
    committed_ = refill(committed_, committed_capacity_, config_.committed_information_rate_bps, elapsed);
    excess_ = refill(excess_, excess_capacity_, config_.excess_information_rate_bps, elapsed);
    last_ = now;
  }
  if (mark_all_red_) return MeterColor::red;
  const std::int64_t need = static_cast<std::int64_t>(frame_bytes) * kBitNanosPerByte;
  if (committed_ >= need) {
    committed_ -= need;
    return MeterColor::green;
  }
  if (excess_ >= need) {
    excess_ -= need;
    return MeterColor::yellow;
  }
  if (config_.mark_all_frames_red_enable) mark_all_red_ = true;
  return MeterColor::red;
}

}  // namespace takt
