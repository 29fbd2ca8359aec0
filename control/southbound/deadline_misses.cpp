#include "control/southbound/deadline_misses.hpp"

#include <charconv>

namespace takt::southbound {

std::optional<std::uint64_t> deadline_misses(std::string_view text) {
  std::optional<std::uint64_t> total;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto name_end = line.find_first_of("{ ");
    const std::string_view name = line.substr(0, name_end);
    if (name.find("deadline_miss") == std::string_view::npos || !name.ends_with("_total")) continue;
    const auto space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    std::string_view value = line.substr(space + 1);
    double v = 0;
    // Counters are integers but the format allows "1e3"; parse as a double.
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{}) continue;
    total = total.value_or(0) + static_cast<std::uint64_t>(v);
  }
  return total;
}

}  // namespace takt::southbound
