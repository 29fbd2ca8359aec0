#include "common/duration_text.hpp"

#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace takt {

namespace {

// Longer units people write for times, with their names in words. A table without them (the
// plant's) still understands them well enough to say what to write instead: "1h" is 3600s, and
// the nearest unit by spelling ("s") would be a wrong suggestion.
struct LongerUnit {
  QuantityUnit unit;
  std::string_view words;
};
constexpr std::array<LongerUnit, 4> kLongerUnits{{{{"m", 60'000'000'000}, "minutes"},
                                                  {{"min", 60'000'000'000}, "minutes"},
                                                  {{"h", 3'600'000'000'000}, "hours"},
                                                  {{"d", 86'400'000'000'000}, "days"}}};

bool has_unit(std::span<const QuantityUnit> units, std::string_view name) {
  for (const auto& u : units)
    if (u.name == name) return true;
  return false;
}

// "3600s" for 1h in the largest of `units` that keeps the value whole.
std::string in_units(std::int64_t ns, std::span<const QuantityUnit> units) {
  const QuantityUnit* best = nullptr;
  for (const auto& u : units)
    if (u.scale > 0 && ns % u.scale == 0 && (!best || u.scale > best->scale)) best = &u;
  if (!best) return {};
  return fmt::format("{}{}", ns / best->scale, best->name);
}

// The hint for a duration written in a longer unit than `units` has, or "" when it is not one.
std::string longer_unit_hint(std::string_view text, std::span<const QuantityUnit> units) {
  for (const auto& longer : kLongerUnits) {
    if (has_unit(units, longer.unit.name)) continue;
    const QuantityUnit only[] = {QuantityUnit{"ns", 1}, longer.unit};
    auto ns = parse_quantity(text, only, "duration", "250us");
    if (!ns) continue;
    const std::string instead = in_units(*ns, units);
    if (instead.empty()) continue;
    std::string names;
    for (const auto& u : units) names.append(names.empty() ? "" : ", ").append(u.name);
    return fmt::format("write {}: {} are not a unit here (units are {})", instead, longer.words, names);
  }
  return {};
}

}  // namespace

Result<std::chrono::nanoseconds> parse_duration(std::string_view text, std::span<const QuantityUnit> units) {
  auto ns = parse_quantity(text, units, "duration", "250us");
  if (!ns) {
    if (std::string hint = longer_unit_hint(text, units); !hint.empty())
      return Error{ns.error().message, std::move(hint)};
    return ns.error();
  }
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
