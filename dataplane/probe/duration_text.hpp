#pragma once
// Durations on the command line: an integer or decimal with a unit, "30s", "250us", "1.5ms",
// "2m", "100ns" (plain numbers are rejected: a missing unit is a frequent, silent mistake).
#include <optional>
#include <string>
#include <string_view>

#include "dataplane/core/time.hpp"

namespace takt::probe {

std::optional<Nanos> parse_duration(std::string_view text);
// Shortest exact form: 250000 -> "250us", 30000000000 -> "30s", 1500 -> "1.5us".
std::string format_duration(Nanos d);

}  // namespace takt::probe
