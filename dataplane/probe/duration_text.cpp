#include "dataplane/probe/duration_text.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

namespace takt::probe {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};
// Longest suffix first so "ms" is not read as "s".
constexpr std::array<Unit, 6> kUnits{{{"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000},
                                      {"m", 60'000'000'000}, {"h", 3'600'000'000'000}}};

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  const Unit* unit = nullptr;
  for (const auto& u : kUnits) {
    if (text.size() > u.name.size() && text.ends_with(u.name)) {
      const char before = text[text.size() - u.name.size() - 1];
      if (before >= '0' && before <= '9') {
        unit = &u;
        break;
      }
      if (before == '.') return std::nullopt;
    }
  }
  if (unit == nullptr) return std::nullopt;
  const std::string_view number = text.substr(0, text.size() - unit->name.size());
  const std::size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty())) return std::nullopt;

  std::int64_t w = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w);
  if (ec != std::errc{} || end != whole.data() + whole.size() || w < 0) return std::nullopt;
  if (w > std::numeric_limits<std::int64_t>::max() / unit->ns) return std::nullopt;
  std::int64_t ns = w * unit->ns;
  // The fraction must come out to whole nanoseconds.
  std::int64_t scale = unit->ns;
  for (char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
    if (scale % 10 != 0) return std::nullopt;
    scale /= 10;
    ns += (c - '0') * scale;
  }
  return Nanos{ns};
}

std::string format_duration(Nanos d) {
  const std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  const std::uint64_t mag = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const char* sign = ns < 0 ? "-" : "";
  // The largest of s, ms, us, ns that keeps at least 1 before the point.
  for (const Unit* u : {&kUnits[3], &kUnits[2], &kUnits[1]}) {
    const auto per = static_cast<std::uint64_t>(u->ns);
    if (mag < per) continue;
    std::string frac = fmt::format("{:0{}}", mag % per, u->name == "s" ? 9 : u->name == "ms" ? 6 : 3);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return fmt::format("{}{}{}{}{}", sign, mag / per, frac.empty() ? "" : ".", frac, u->name);
  }
  return fmt::format("{}{}ns", sign, mag);
}

}  // namespace takt::probe
