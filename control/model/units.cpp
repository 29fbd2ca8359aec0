#include "control/model/units.hpp"

#include <array>

#include <fmt/format.h>

#include "common/duration_text.hpp"
#include "common/quantity_text.hpp"

namespace takt::model {
namespace {

constexpr std::array kSizeUnits{QuantityUnit{"B", 1}, QuantityUnit{"kB", 1'000}, QuantityUnit{"KiB", 1'024}};
constexpr std::array kRateUnits{QuantityUnit{"bps", 1},
                                QuantityUnit{"kbps", 1'000},
                                QuantityUnit{"Mbps", 1'000'000},
                                QuantityUnit{"Gbps", 1'000'000'000},
                                QuantityUnit{"kb/s", 1'000},
                                QuantityUnit{"Mb/s", 1'000'000},
                                QuantityUnit{"Gb/s", 1'000'000'000},
                                QuantityUnit{"b/s", 1}};
constexpr std::array kLengthUnits{QuantityUnit{"mm", 1}, QuantityUnit{"cm", 10}, QuantityUnit{"m", 1'000},
                                  QuantityUnit{"km", 1'000'000}};

}  // namespace

Result<std::int64_t> parse_duration_ns(std::string_view text) {
  // Through parse_duration, whose errors know minutes and hours ("1h": write 3600s).
  auto d = parse_duration(text, kDurationUnits);
  if (!d) return d.error();
  return d->count();
}
Result<std::int64_t> parse_size_bytes(std::string_view text) {
  return parse_quantity(text, kSizeUnits, "size", "128B");
}
Result<std::int64_t> parse_rate_bps(std::string_view text) { return parse_quantity(text, kRateUnits, "rate", "1Gbps"); }
Result<std::int64_t> parse_length_mm(std::string_view text) {
  return parse_quantity(text, kLengthUnits, "length", "20m");
}

std::string format_duration(std::int64_t ns) { return takt::format_duration(std::chrono::nanoseconds{ns}); }

std::string format_rate(std::int64_t bps) {
  if (bps >= 1'000'000'000) return format_scaled(bps, 1'000'000'000, "Gbps");
  if (bps >= 1'000'000) return format_scaled(bps, 1'000'000, "Mbps");
  if (bps >= 1'000) return format_scaled(bps, 1'000, "kbps");
  return fmt::format("{}bps", bps);
}

}  // namespace takt::model
