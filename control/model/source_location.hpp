#pragma once
#include <string>

namespace takt::model {

// Where something was written: 1-based line and column, as editors count.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }
};

}  // namespace takt::model
