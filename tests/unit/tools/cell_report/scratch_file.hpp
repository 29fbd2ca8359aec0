#pragma once
// A file in the system's temp folder holding a test's input. Its name carries the process id:
// ctest runs test cases in processes of their own, two at once, and two cases that wrote, read
// and removed one shared name failed each other ("cannot be read").
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace takt::cell_report::test {

inline std::filesystem::path scratch_file(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / ("takt-cell-report-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace takt::cell_report::test
