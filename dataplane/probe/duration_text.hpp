#pragma once
// Durations on takt-probe's command line: common/duration_text with minutes and hours ("30s",
// "250us", "1.5ms", "2m"); plain numbers are rejected (a missing unit is a frequent, silent
// mistake) and so are negative ones.
#include <optional>
#include <string_view>

#include "common/duration_text.hpp"
#include "dataplane/core/time.hpp"

namespace takt::probe {

std::optional<Nanos> parse_duration(std::string_view text);
// Shortest exact form: 250000 -> "250us", 30000000000 -> "30s", 1500 -> "1.5us".
using takt::format_duration;

}  // namespace takt::probe
