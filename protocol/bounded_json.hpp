#pragma once
// JSON from outside (HTTP bodies, configuration files, an agent's answers) parsed with bounds:
// nesting depth is checked by a flat scan before nlohmann builds anything, and error texts
// quote a short excerpt of a value, never a dump of it (dump() recurses once per level).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace takt {

inline constexpr std::size_t kJsonMaxDepth = 64;

// The text is well-formed as far as the scan sees but exceeds a limit; what() names it.
class JsonLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws JsonLimitError when arrays and objects nest deeper than max_depth (the message says
// "nesting deeper than 64 levels at byte N") or a number is beyond a double's range (1E400),
// nlohmann::json::parse_error when it is not JSON; nothing else.
nlohmann::json parse_bounded_json(std::string_view text, std::size_t max_depth = kJsonMaxDepth);

// A value for an error text: scalars as JSON cut to max_chars, arrays and objects by kind
// and size ("an array of 3 elements").
std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars = 40);

// Text for an error message: at most max_chars, cut with "..." and the total length.
std::string text_excerpt(std::string_view text, std::size_t max_chars = 200);

}  // namespace takt
