#pragma once
// The plant's quantities, as control engineers write them: 250us, 1ms, 50ns, 128B, 1Gbps, 20m.
// Tables of units over common/quantity_text's exact parser.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace takt::model {

// A failure's message says what is wrong and its hint what would be right.

// Durations to integer nanoseconds: ns, us (or µs), ms, s. Sub-nanosecond precision is an error.
Result<std::int64_t> parse_duration_ns(std::string_view text);
// Sizes to bytes: B, kB (1000 B), KiB (1024 B).
Result<std::int64_t> parse_size_bytes(std::string_view text);
// Rates to bits per second: bps, kbps, Mbps, Gbps (also kb/s, Mb/s, Gb/s).
Result<std::int64_t> parse_rate_bps(std::string_view text);
// Lengths to millimetres: mm, cm, m, km.
Result<std::int64_t> parse_length_mm(std::string_view text);

// Exact formatting: 250us, 31.25us, 1.5ms, 12.336us (common/duration_text.hpp).
std::string format_duration(std::int64_t ns);
std::string format_rate(std::int64_t bps);

}  // namespace takt::model
