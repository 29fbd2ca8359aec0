#pragma once
// The little CSV that TSNKit (pandas) writes: comma separated, fields with commas in double
// quotes ("(0, 1)"), "" for a quote inside quotes.
#include <string>
#include <string_view>
#include <vector>

namespace takt::exporter {

std::vector<std::string> split_csv_line(std::string_view line);

// A field with where it starts, so an error can point at it: the 1-based column of its first
// byte (its opening quote when quoted).
struct CsvField {
  std::string text;
  std::size_t column = 1;
};
std::vector<CsvField> split_csv_fields(std::string_view line);

// Quotes a field when it needs it.
std::string csv_field(std::string_view field);

}  // namespace takt::exporter
