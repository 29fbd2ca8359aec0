#pragma once
// Columns aligned for a terminal: the plan report's, takt-probe's and takt-cell-report's tables.
#include <string>
#include <vector>

namespace takt {

class TextTable {
 public:
  // Columns whose header starts with '>' are right-aligned (numbers); the '>' is not printed.
  explicit TextTable(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }
  std::string render(const std::string& indent = "  ") const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace takt
