#pragma once
// The little CSV that TSNKit (pandas) writes: comma separated, fields with commas in double
// quotes ("(0, 1)"), "" for a quote inside quotes.
#include <string>
#include <string_view>
#include <vector>

namespace takt::exporter {

std::vector<std::string> split_csv_line(std::string_view line);

// Quotes a field when it needs it.
std::string csv_field(std::string_view field);

}  // namespace takt::exporter
