#pragma once
// Numbers and durations as the cell's table shows them: rounded to what a plant engineer
// compares (3-4 significant digits, a unit), printed the shortest way (no trailing zeros).

#include <cstdint>
#include <optional>
#include <string>

namespace takt::cell_report {

// The shortest decimal that reads back as `v`; integers without a fraction ("100", "99.872").
std::string shortest(double v);

// round(v * scale) / scale, shortest: round_to(99.8723, 1000) is "99.872".
std::string rounded(double v, double scale);

// "123.4 us", "1.25 ms", "2.5 s"; none is "-".
std::string duration_text(std::optional<std::int64_t> ns);

// A ratio as a percentage with three decimals ("99.872"); none is "-".
std::string percent_text(std::optional<double> ratio);

}  // namespace takt::cell_report
