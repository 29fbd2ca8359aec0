#include "control/model/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>

#include "control/model/did_you_mean.hpp"

namespace takt::model {
namespace {

// Exact decimal arithmetic needs more than 64 bits while a value is being assembled.
__extension__ typedef __int128 Int128;

struct Unit {
  std::string_view name;
  std::int64_t scale;  // value of one unit in the base unit
};

constexpr std::array kDurationUnits{Unit{"ns", 1}, Unit{"us", 1'000}, Unit{"µs", 1'000}, Unit{"ms", 1'000'000},
                                    Unit{"s", 1'000'000'000}};
constexpr std::array kSizeUnits{Unit{"B", 1}, Unit{"kB", 1'000}, Unit{"KiB", 1'024}};
constexpr std::array kRateUnits{Unit{"bps", 1},           Unit{"kbps", 1'000},        Unit{"Mbps", 1'000'000},
                                Unit{"Gbps", 1'000'000'000}, Unit{"kb/s", 1'000},     Unit{"Mb/s", 1'000'000},
                                Unit{"Gb/s", 1'000'000'000}, Unit{"b/s", 1}};
constexpr std::array kLengthUnits{Unit{"mm", 1}, Unit{"cm", 10}, Unit{"m", 1'000}, Unit{"km", 1'000'000}};

template <std::size_t N>
Parsed<std::int64_t> parse_quantity(std::string_view text, const std::array<Unit, N>& units, std::string_view what,
                                    std::string_view example) {
  const std::string original(text);
  auto trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
  if (trimmed.empty()) return UnitError{fmt::format("empty {}", what), fmt::format("write a number and a unit, e.g. {}", example)};

  bool negative = false;
  std::size_t i = 0;
  if (trimmed[i] == '-' || trimmed[i] == '+') {
    negative = trimmed[i] == '-';
    ++i;
  }
  // Integer and fractional digits, kept exact.
  Int128 mantissa = 0;
  int frac_digits = 0;
  bool seen_digit = false, seen_point = false;
  for (; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      seen_digit = true;
      if (mantissa > (static_cast<Int128>(1) << 100)) {
        return UnitError{fmt::format("'{}' is too large for a {}", original, what), ""};
      }
      mantissa = mantissa * 10 + (c - '0');
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (c == '_' || c == '\'') {
      continue;  // digit separators: 1_000ns
    } else {
      break;
    }
  }
  if (!seen_digit) {
    return UnitError{fmt::format("'{}' is not a {}", original, what), fmt::format("write a number and a unit, e.g. {}", example)};
  }
  std::string_view unit = trimmed.substr(i);
  if (unit.empty()) {
    return UnitError{fmt::format("'{}' has no unit", original),
                     fmt::format("a {} needs a unit, e.g. {}", what, example)};
  }
  if (std::isspace(static_cast<unsigned char>(unit.front()))) {
    auto u = unit;
    while (!u.empty() && std::isspace(static_cast<unsigned char>(u.front()))) u.remove_prefix(1);
    return UnitError{fmt::format("'{}' has a space between number and unit", original),
                     fmt::format("write {}{}", std::string(trimmed.substr(0, i)), std::string(u))};
  }
  const Unit* found = nullptr;
  for (const auto& u : units)
    if (u.name == unit) found = &u;
  if (!found) {
    std::vector<std::string> names;
    for (const auto& u : units) names.emplace_back(u.name);
    std::string hint;
    // Case slips (1mS, 1GBPS) and long forms (1sec, 1msec) are the common typos.
    std::string lowered(unit);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kLongForms{{{"sec", "s"},
                                                                                             {"secs", "s"},
                                                                                             {"second", "s"},
                                                                                             {"seconds", "s"},
                                                                                             {"msec", "ms"},
                                                                                             {"usec", "us"},
                                                                                             {"nsec", "ns"},
                                                                                             {"bytes", "B"}}};
    for (const auto& [longform, shortform] : kLongForms)
      if (lowered == longform) hint = std::string(shortform);
    if (hint.empty()) hint = did_you_mean(std::string(unit), names);
    std::string allowed;
    for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
    return UnitError{fmt::format("unknown unit '{}' in '{}'", std::string(unit), original),
                     hint.empty() ? fmt::format("use one of {}", allowed)
                                  : fmt::format("did you mean '{}{}'? units are {}", std::string(trimmed.substr(0, i)), hint, allowed)};
  }
  // value = mantissa * scale / 10^frac_digits, which must be an integer.
  Int128 value = mantissa * found->scale;
  Int128 divisor = 1;
  for (int d = 0; d < frac_digits; ++d) divisor *= 10;
  if (value % divisor != 0) {
    return UnitError{fmt::format("'{}' is finer than the smallest step the {} is kept in", original, what),
                     fmt::format("round it to a whole {}", units.front().name)};
  }
  value /= divisor;
  if (value > std::numeric_limits<std::int64_t>::max()) {
    return UnitError{fmt::format("'{}' is too large for a {}", original, what), ""};
  }
  return negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
}

std::string format_scaled(std::int64_t value, std::int64_t scale, std::string_view unit) {
  const std::int64_t whole = value / scale;
  std::int64_t frac = std::abs(value % scale);
  if (frac == 0) return fmt::format("{}{}", whole, unit);
  std::string digits = fmt::format("{}", frac);
  std::string scale_digits = fmt::format("{}", scale);
  digits.insert(0, scale_digits.size() - 1 - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return fmt::format("{}{}.{}{}", value < 0 && whole == 0 ? "-" : "", whole, digits, unit);
}

}  // namespace

Parsed<std::int64_t> parse_duration_ns(std::string_view text) {
  return parse_quantity(text, kDurationUnits, "duration", "250us");
}
Parsed<std::int64_t> parse_size_bytes(std::string_view text) { return parse_quantity(text, kSizeUnits, "size", "128B"); }
Parsed<std::int64_t> parse_rate_bps(std::string_view text) { return parse_quantity(text, kRateUnits, "rate", "1Gbps"); }
Parsed<std::int64_t> parse_length_mm(std::string_view text) { return parse_quantity(text, kLengthUnits, "length", "20m"); }

std::string format_duration(std::int64_t ns) {
  const std::int64_t a = ns < 0 ? -ns : ns;
  if (a >= 1'000'000'000) return format_scaled(ns, 1'000'000'000, "s");
  if (a >= 1'000'000) return format_scaled(ns, 1'000'000, "ms");
  if (a >= 1'000) return format_scaled(ns, 1'000, "us");
  return fmt::format("{}ns", ns);
}

std::string format_rate(std::int64_t bps) {
  if (bps >= 1'000'000'000) return format_scaled(bps, 1'000'000'000, "Gbps");
  if (bps >= 1'000'000) return format_scaled(bps, 1'000'000, "Mbps");
  if (bps >= 1'000) return format_scaled(bps, 1'000, "kbps");
  return fmt::format("{}bps", bps);
}

}  // namespace takt::model
