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
  const auto fills_in = [](std::int64_t capacity, std::int64_t rate) { return rate > 0 ? capacity / rate + 1 : 0; };
  committed_fills_in_ = fills_in(committed_capacity_, config.committed_information_rate_bps);
  excess_fills_in_ = fills_in(excess_capacity_, config.excess_information_rate_bps);
}

std::int64_t FlowMeter::refill(std::int64_t tokens, std::int64_t capacity, std::int64_t rate_bps, std::int64_t fills_in,
                               Nanos elapsed) {
  if (rate_bps == 0 || elapsed <= Nanos{0}) return tokens;
  // elapsed * rate may exceed int64 after a long idle time; the bucket is full long before.
  // Below fills_in the product is at most capacity + rate: inside int64 (capacity <= 8e18).
  if (elapsed.count() >= fills_in) return capacity;
  const std::int64_t added = elapsed.count() * rate_bps;
  return added >= capacity - tokens ? capacity : tokens + added;
}

void FlowMeter::refill_to(TaiTime now) {
  const Nanos elapsed = now - last_;
  if (elapsed > Nanos{0}) {
    committed_ =
        refill(committed_, committed_capacity_, config_.committed_information_rate_bps, committed_fills_in_, elapsed);
    excess_ = refill(excess_, excess_capacity_, config_.excess_information_rate_bps, excess_fills_in_, elapsed);
    last_ = now;
  }
}

bool FlowMeter::take_green(std::uint64_t total_bytes, TaiTime now) {
  refill_to(now);
  // Above the largest bucket no run can be green; the bound also keeps the product inside int64.
  if (mark_all_red_ || total_bytes > static_cast<std::uint64_t>(kMaxBurstBytes)) return false;
  const std::int64_t need = static_cast<std::int64_t>(total_bytes) * kBitNanosPerByte;
  if (committed_ < need) return false;
  committed_ -= need;
  return true;
}

MeterColor FlowMeter::meter(std::uint32_t frame_bytes, TaiTime now) {
  refill_to(now);
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
