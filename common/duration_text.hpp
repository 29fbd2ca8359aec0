#pragma once
// Durations as text, the one place takt writes and reads them.
//   format_duration:   exact and shortest, the form a plant or a command line takes back
//                      ("250us", "31.25us", "1.5ms", "30s"); for messages that quote a value.
//   readable_duration: rounded to the digits that matter, for people reading reports and logs
//                      ("672 ns", "41.2 us", "1.25 ms").
//   parse_duration:    the exact parser, over a table of units.
// Prometheus' seconds (telemetry/prometheus_text) are another notation and live there.
#include <array>
#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "common/quantity_text.hpp"
#include "common/result.hpp"

namespace takt {

// The units a plant's durations are written in (IEEE 802.1Qcc quantities: ns to s).
inline constexpr std::array<QuantityUnit, 5> kDurationUnits{
    {{"ns", 1}, {"us", 1'000}, {"µs", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}}};
// Also minutes and hours, for run lengths on command lines ("30s", "2m", "1h").
inline constexpr std::array<QuantityUnit, 7> kRunDurationUnits{{{"ns", 1},
                                                                {"us", 1'000},
                                                                {"µs", 1'000},
                                                                {"ms", 1'000'000},
                                                                {"s", 1'000'000'000},
                                                                {"m", 60'000'000'000},
                                                                {"h", 3'600'000'000'000}}};

Result<std::chrono::nanoseconds> parse_duration(std::string_view text,
                                                std::span<const QuantityUnit> units = kDurationUnits);

// The largest of s, ms, us, ns that keeps at least 1 before the point; zero is "0s".
std::string format_duration(std::chrono::nanoseconds d);

// Up to three decimals, trailing zeros cut, a space before the unit.
std::string readable_duration(std::chrono::nanoseconds d);

}  // namespace takt
