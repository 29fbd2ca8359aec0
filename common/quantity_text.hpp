#pragma once
// Quantities with units as people write them: 250us, 128B, 1Gbps, 20m. Parsing is exact
// (integer arithmetic on the decimal digits): 31.25us is 31250 ns, never a double that rounds.
// The plant's units (control/model/units.hpp) and the command lines' durations
// (common/duration_text.hpp) are tables of units over this one parser.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace takt {

struct QuantityUnit {
  std::string_view name;
  std::int64_t scale;  // value of one unit in the base unit (the first, smallest, unit)
};

// text is a decimal number (optional sign, digit separators _ and ', digits on both sides of a
// point) and one of units, with nothing between them. what ("duration") and example ("250us")
// make the error messages; an unknown unit's hint suggests the nearest unit.
Result<std::int64_t> parse_quantity(std::string_view text, std::span<const QuantityUnit> units, std::string_view what,
                                    std::string_view example);

// value / scale with the digits that are there and no more: (1500, 1000, "us") -> "1.5us".
std::string format_scaled(std::int64_t value, std::int64_t scale, std::string_view unit);

}  // namespace takt
