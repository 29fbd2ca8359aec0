#pragma once
// Quantities with units, as control engineers write them: 250us, 1ms, 50ns, 128B, 1Gbps, 20m.
// Parsing is exact (integer arithmetic on the decimal digits): 31.25us is 31250 ns, never a
// double that rounds.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace takt::model {

struct UnitError {
  std::string message;  // what is wrong
  std::string hint;     // what would be right
};

template <typename T>
using Parsed = std::variant<T, UnitError>;

// Durations to integer nanoseconds: ns, us (or µs), ms, s. Sub-nanosecond precision is an error.
Parsed<std::int64_t> parse_duration_ns(std::string_view text);
// Sizes to bytes: B, kB (1000 B), KiB (1024 B).
Parsed<std::int64_t> parse_size_bytes(std::string_view text);
// Rates to bits per second: bps, kbps, Mbps, Gbps (also kb/s, Mb/s, Gb/s).
Parsed<std::int64_t> parse_rate_bps(std::string_view text);
// Lengths to millimetres: mm, cm, m, km.
Parsed<std::int64_t> parse_length_mm(std::string_view text);

// Human formatting, exact where the value allows: 250us, 31.25us, 1.5ms, 12.336us.
std::string format_duration(std::int64_t ns);
std::string format_rate(std::int64_t bps);

}  // namespace takt::model
