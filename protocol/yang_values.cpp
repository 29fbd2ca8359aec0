#include "protocol/yang_values.hpp"

#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace takt::agent {

namespace {
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
}

std::uint64_t unsigned_from_json(const nlohmann::json& j, const std::string& path, std::uint64_t max) {
  std::uint64_t value = 0;
  if (j.is_number_unsigned()) {
    value = j.get<std::uint64_t>();
  } else if (j.is_number_integer()) {
    // A document built in memory holds a signed integer even where it is positive (the
    // writers here store int64 nanoseconds); only text parsing gives number_unsigned.
    const auto signed_value = j.get<std::int64_t>();
    if (signed_value < 0) throw BodyError(path, fmt::format("must not be negative (got {})", signed_value));
    value = static_cast<std::uint64_t>(signed_value);
  } else if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size())
      throw BodyError(path, fmt::format("\"{}\" is not an unsigned decimal integer", s));
  } else {
    throw BodyError(path, fmt::format("expected an unsigned integer, got {}", j.type_name()));
  }
  if (value > max) throw BodyError(path, fmt::format("{} is above the maximum {}", value, max));
  return value;
}

nlohmann::json ptp_time_to_json(TaiTime t) {
  const std::int64_t ns = ns_of(t);
  return {{"seconds", std::to_string(floor_div(ns, kNsPerSecond))},
          {"nanoseconds", ns - floor_div(ns, kNsPerSecond) * kNsPerSecond}};
}

TaiTime ptp_time_from_json(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw BodyError(path, "expected {\"seconds\": ..., \"nanoseconds\": ...}");
  // 48-bit seconds per the grouping, and int64 ns overall: TAI before the year 2262.
  constexpr std::uint64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / kNsPerSecond - 1;
  const std::uint64_t seconds =
      j.contains("seconds") ? unsigned_from_json(j["seconds"], path + "/seconds", kMaxSeconds) : 0;
  const std::uint64_t nanos =
      j.contains("nanoseconds") ? unsigned_from_json(j["nanoseconds"], path + "/nanoseconds", kNsPerSecond - 1) : 0;
  return tai_ns(static_cast<std::int64_t>(seconds) * kNsPerSecond + static_cast<std::int64_t>(nanos));
}

nlohmann::json rational_seconds_to_json(Nanos d) { return {{"numerator", d.count()}, {"denominator", kNsPerSecond}}; }

Nanos rational_seconds_from_json(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw BodyError(path, "expected {\"numerator\": ..., \"denominator\": ...} (seconds)");
  const std::uint64_t num =
      unsigned_from_json(j.value("numerator", nlohmann::json(0)), path + "/numerator", 0xFFFF'FFFFULL);
  if (!j.contains("denominator")) throw BodyError(path + "/denominator", "missing");
  const std::uint64_t den = unsigned_from_json(j["denominator"], path + "/denominator", 0xFFFF'FFFFULL);
  if (den == 0) throw BodyError(path + "/denominator", "must be at least 1");
  // num < 2^32, so num * 1e9 < 2^62 fits.
  const std::uint64_t scaled = num * static_cast<std::uint64_t>(kNsPerSecond);
  if (scaled % den != 0) throw BodyError(path, fmt::format("{}/{} s is not a whole number of nanoseconds", num, den));
  return Nanos{static_cast<std::int64_t>(scaled / den)};
}

}  // namespace takt::agent
