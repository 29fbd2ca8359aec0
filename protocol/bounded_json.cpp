#include "protocol/bounded_json.hpp"

namespace takt {

namespace {

// Deepest nesting of arrays and objects outside strings, stopping at the first byte beyond
// max_depth. Malformed text is left to nlohmann, which reports it with its position.
void check_depth(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth)
          throw JsonLimitError("nesting deeper than " + std::to_string(max_depth) + " levels at byte " +
                               std::to_string(i + 1));
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
}

}  // namespace

nlohmann::json parse_bounded_json(std::string_view text, std::size_t max_depth) {
  check_depth(text, max_depth);
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::out_of_range& e) {
    // nlohmann refuses a number beyond a double's range (1E400) with out_of_range 406, which
    // callers that catch the two documented refusals let through (the agent answered 500).
    throw JsonLimitError("a number beyond the range of a double: " + text_excerpt(e.what(), 120));
  }
}

std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars) {
  if (value.is_array()) return "an array of " + std::to_string(value.size()) + " elements";
  if (value.is_object()) return "an object of " + std::to_string(value.size()) + " members";
  std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // a scalar: no recursion
  if (s.size() > max_chars) s = s.substr(0, max_chars) + "...";
  return s;
}

std::string text_excerpt(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  return std::string(text.substr(0, max_chars)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace takt
