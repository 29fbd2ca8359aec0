// Prints the sample exposition so promtool can check it (see promtool_check_metrics.sh).
#include <iostream>

#include "sample_exposition.hpp"

int main() {
  takt::telemetry::MetricsRegistry reg(takt::telemetry::testing::sample_writers);
  takt::telemetry::testing::fill_sample_registry(reg);
  std::cout << reg.render();
  return std::cout.good() ? 0 : 1;
}
