#pragma once
// The export tests' data files, read as taktctl reads files (bounded); a missing file is an
// error naming it, not an empty instance.
#include <stdexcept>
#include <string>

#include "common/file_text.hpp"

namespace takt::test {

inline std::string read_test_file(const std::string& path) {
  auto text = read_file_text(path);
  if (!text) throw std::runtime_error(path + ": " + text.error().message);
  return *text;
}

}  // namespace takt::test
