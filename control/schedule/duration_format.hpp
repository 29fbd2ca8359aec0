#pragma once
// Durations for people: "672 ns", "41.2 us", "1.25 ms", with the digits that matter and no more.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "dataplane/core/time.hpp"

namespace takt::schedule {

inline std::string human(Nanos d) {
  const auto ns = d.count();
  const auto mag = ns < 0 ? -ns : ns;
  auto trim = [](double v, const char* unit) {
    std::string s = fmt::format("{:.3f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s + " " + unit;
  };
  if (mag < 1'000) return fmt::format("{} ns", ns);
  if (mag < 1'000'000) return trim(static_cast<double>(ns) / 1e3, "us");
  if (mag < 1'000'000'000) return trim(static_cast<double>(ns) / 1e6, "ms");
  return trim(static_cast<double>(ns) / 1e9, "s");
}

}  // namespace takt::schedule
