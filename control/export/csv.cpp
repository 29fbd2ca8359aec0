#include "control/export/csv.hpp"

namespace takt::exporter {

std::vector<CsvField> split_csv_fields(std::string_view line) {
  std::vector<CsvField> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().text += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().text += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(CsvField{{}, i + 2});
    } else if (c != '\r') {
      out.back().text += c;
    }
  }
  return out;
}

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> out;
  for (auto& f : split_csv_fields(line)) out.push_back(std::move(f.text));
  return out;
}

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace takt::exporter
