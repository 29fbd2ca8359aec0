#include "common/quantity_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/did_you_mean.hpp"

namespace takt {
namespace {

// Exact decimal arithmetic needs more than 64 bits while a value is being assembled.
__extension__ typedef __int128 Int128;

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

Error unknown_unit(std::string_view original, std::string_view number, std::string_view unit,
                   std::span<const QuantityUnit> units) {
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
  return Error{fmt::format("unknown unit '{}' in '{}'", unit, original),
               hint.empty() ? fmt::format("use one of {}", allowed)
                            : fmt::format("did you mean '{}{}'? units are {}", number, hint, allowed)};
}

}  // namespace

Result<std::int64_t> parse_quantity(std::string_view text, std::span<const QuantityUnit> units, std::string_view what,
                                    std::string_view example) {
  const std::string_view original = text;
  const std::string_view trimmed = trim(text);
  if (trimmed.empty())
    return Error{fmt::format("empty {}", what), fmt::format("write a number and a unit, e.g. {}", example)};

  bool negative = false;
  std::size_t i = 0;
  if (trimmed[i] == '-' || trimmed[i] == '+') {
    negative = trimmed[i] == '-';
    ++i;
  }
  // Integer and fractional digits, kept exact.
  Int128 mantissa = 0;
  int frac_digits = 0;
  bool seen_digit = false, seen_point = false, digit_before_point = false;
  for (; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (is_digit(c)) {
      seen_digit = true;
      if (mantissa > (static_cast<Int128>(1) << 100))
        return Error{fmt::format("'{}' is too large for a {}", original, what), ""};
      mantissa = mantissa * 10 + (c - '0');
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
      digit_before_point = seen_digit;
    } else if (c == '_' || c == '\'') {
      continue;  // digit separators: 1_000ns
    } else {
      break;
    }
  }
  // ".5s" and "1.s" are more likely slips than meant.
  if (!seen_digit || (seen_point && (!digit_before_point || frac_digits == 0))) {
    return Error{fmt::format("'{}' is not a {}", original, what),
                 fmt::format("write a number and a unit, e.g. {}", example)};
  }
  const std::string_view number = trimmed.substr(0, i);
  const std::string_view unit = trimmed.substr(i);
  if (unit.empty())
    return Error{fmt::format("'{}' has no unit", original), fmt::format("a {} needs a unit, e.g. {}", what, example)};
  if (is_space(unit.front())) {
    return Error{fmt::format("'{}' has a space between number and unit", original),
                 fmt::format("write {}{}", number, trim(unit))};
  }
  const QuantityUnit* found = nullptr;
  for (const auto& u : units)
    if (u.name == unit) found = &u;
  if (found == nullptr) return unknown_unit(original, number, unit, units);

  // value = mantissa * scale / 10^frac_digits, which must be an integer.
  Int128 value = mantissa * found->scale;
  Int128 divisor = 1;
  for (int d = 0; d < frac_digits; ++d) divisor *= 10;
  if (value % divisor != 0) {
    return Error{fmt::format("'{}' is finer than the smallest step the {} is kept in", original, what),
                 fmt::format("round it to a whole {}", units.front().name)};
  }
  value /= divisor;
  if (value > std::numeric_limits<std::int64_t>::max())
    return Error{fmt::format("'{}' is too large for a {}", original, what), ""};
  return negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
}

std::string format_scaled(std::int64_t value, std::int64_t scale, std::string_view unit) {
  // Magnitudes in unsigned arithmetic, so the most negative value has one too.
  const std::uint64_t mag = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  const auto per = static_cast<std::uint64_t>(scale);
  const char* sign = value < 0 ? "-" : "";
  const std::uint64_t frac = mag % per;
  if (frac == 0) return fmt::format("{}{}{}", sign, mag / per, unit);
  std::string digits = fmt::format("{}", frac);
  const std::size_t width = fmt::format("{}", per).size() - 1;
  digits.insert(0, width - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return fmt::format("{}{}.{}{}", sign, mag / per, digits, unit);
}

}  // namespace takt
