#include "control/model/name_rule.hpp"

#include <algorithm>

namespace takt::model {

namespace {

// ASCII only, independent of the locale: a name must mean the same file on every host.
bool allowed_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

}  // namespace

bool is_allowed_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_length || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), allowed_char);
}

std::string_view name_rule_text() {
  static_assert(max_name_length == 64, "update the rule text with the bound");
  return "names are 1-64 letters, digits, '-', '_' or '.', not starting with '.'";
}

}  // namespace takt::model
