#pragma once
// RFC 7951 encodings of the ieee802-types groupings the sched model uses, converted exactly to
// takt's integer nanoseconds: ptp-time-grouping (seconds + nanoseconds, TAI) and
// rational-grouping (numerator / denominator seconds). uint64 leaves are JSON strings in
// RFC 7951; numbers are accepted too because hand-written bodies use them.
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "dataplane/core/time.hpp"

namespace takt::agent {

// A body that does not match the model. The message starts with the JSON path of the
// offending value ("/ports/2/...: ...") so a person can find it in what they sent.
class BodyError : public std::invalid_argument {
 public:
  BodyError(const std::string& path, const std::string& what) : std::invalid_argument(path + ": " + what) {}
};

nlohmann::json ptp_time_to_json(TaiTime t);
TaiTime ptp_time_from_json(const nlohmann::json& j, const std::string& path);

// Cycle times are written as numerator ns / 1e9: exact for every integer ns value.
nlohmann::json rational_seconds_to_json(Nanos d);
// Throws BodyError when the value is not a whole number of nanoseconds.
Nanos rational_seconds_from_json(const nlohmann::json& j, const std::string& path);

// Unsigned integer of at most `max`, given as a JSON number or (uint64 style) a decimal string.
std::uint64_t unsigned_from_json(const nlohmann::json& j, const std::string& path, std::uint64_t max);

}  // namespace takt::agent
