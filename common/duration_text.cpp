#include "common/duration_text.hpp"

#include <fmt/format.h>

namespace takt {

Result<std::chrono::nanoseconds> parse_duration(std::string_view text, std::span<const QuantityUnit> units) {
  auto ns = parse_quantity(text, units, "duration", "250us");
  if (!ns) return ns.error();
  return std::chrono::nanoseconds{*ns};
}

std::string format_duration(std::chrono::nanoseconds d) {
  const std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  const std::uint64_t mag = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  if (mag >= 1'000'000'000) return format_scaled(ns, 1'000'000'000, "s");
  if (mag >= 1'000'000) return format_scaled(ns, 1'000'000, "ms");
  if (mag >= 1'000) return format_scaled(ns, 1'000, "us");
  return fmt::format("{}ns", ns);
}

std::string readable_duration(std::chrono::nanoseconds d) {
  const auto ns = d.count();
  const auto mag = ns < 0 ? -ns : ns;
  auto trim = [](double v, const char* unit) {
    std::string s = fmt::format("{:.3f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s + " " + unit;
  };
  if (mag < 1'000) return fmt::format("{} ns", ns);
  if (mag < 1'000'000) return trim(static_cast<double>(ns) / 1e3, "us");
  if (mag < 1'000'000'000) return trim(static_cast<double>(ns) / 1e6, "ms");
  return trim(static_cast<double>(ns) / 1e9, "s");
}

}  // namespace takt
