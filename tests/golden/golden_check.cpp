// Checks one golden case: a plant file whose leading comments state what loading it must give.
//
//   # expect: valid 2 bridges, 4 end-stations, 5 links, 3 streams
//   # expect-error: 12:5: unknown key 'intervall' in stream s1
//
// Every expect-error line must match one error (same line:col, message containing the text),
// and every error must be expected: a new or a lost message fails the case.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "control/model/loader.hpp"

namespace {

struct Expected {
  int line = 0, column = 0;
  std::string text;
  bool matched = false;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: golden_check CASE.yaml\n";
    return 2;
  }
  const std::string path = argv[1];
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    return 2;
  }
  std::vector<Expected> errors;
  std::string valid_summary;
  bool expect_valid = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# expect-error: ", 0) == 0) {
      Expected e;
      const std::string rest = line.substr(16);
      if (std::sscanf(rest.c_str(), "%d:%d:", &e.line, &e.column) != 2) {
        std::cerr << "malformed expect-error line: " << line << "\n";
        return 2;
      }
      const auto text_at = rest.find(": ");
      e.text = text_at == std::string::npos ? "" : rest.substr(text_at + 2);
      errors.push_back(e);
    } else if (line.rfind("# expect: valid", 0) == 0) {
      expect_valid = true;
      valid_summary = line.size() > 16 ? line.substr(16) : "";
    }
  }
  if (expect_valid == !errors.empty()) {
    std::cerr << path << ": a golden case expects either '# expect: valid ...' or '# expect-error:' lines\n";
    return 2;
  }

  const auto result = takt::model::load_plant_file(path);
  int failures = 0;
  for (const auto& d : result.diagnostics) {
    if (d.severity != takt::model::Severity::error) continue;
    const std::string full = d.message + (d.hint.empty() ? "" : " (" + d.hint + ")");
    bool found = false;
    for (auto& e : errors) {
      if (!e.matched && e.line == d.where.line && e.column == d.where.column &&
          full.find(e.text) != std::string::npos) {
        e.matched = found = true;
        break;
      }
    }
    if (!found) {
      std::cerr << "unexpected: " << d.str() << "\n";
      ++failures;
    }
  }
  for (const auto& e : errors)
    if (!e.matched) {
      std::cerr << fmt::format("missing: {}:{}:{}: {}\n", path, e.line, e.column, e.text);
      ++failures;
    }
  if (expect_valid) {
    if (!result.plant) {
      std::cerr << "expected a valid plant\n";
      return 1;
    }
    const auto& p = *result.plant;
    const std::string got = fmt::format("{} bridges, {} end-stations, {} links, {} streams", p.bridge_count(),
                                        p.end_station_count(), p.links.size(), p.streams.size());
    if (got != valid_summary) {
      std::cerr << fmt::format("summary: expected '{}', got '{}'\n", valid_summary, got);
      return 1;
    }
  }
  if (failures) return 1;
  std::cout << path << ": ok\n";
  return 0;
}
