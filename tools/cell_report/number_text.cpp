#include "tools/cell_report/number_text.hpp"

#include <cmath>

#include <fmt/format.h>

namespace takt::cell_report {

std::string shortest(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e17) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

std::string rounded(double v, double scale) { return shortest(std::round(v * scale) / scale); }

std::string duration_text(std::optional<std::int64_t> ns) {
  if (!ns) return "-";
  const auto v = static_cast<double>(*ns);
  if (v < 1e6) return shortest(std::round(v / 1e2) / 10) + " us";
  if (v < 1e9) return shortest(std::round(v / 1e4) / 100) + " ms";
  return shortest(std::round(v / 1e7) / 100) + " s";
}

std::string percent_text(std::optional<double> ratio) {
  if (!ratio) return "-";
  return shortest(std::round(*ratio * 100000) / 1000);
}

}  // namespace takt::cell_report
