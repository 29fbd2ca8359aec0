#pragma once
// A run input that cannot be used. The message always names the file: the person reading it
// is looking at a work folder of many similar files.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace takt::cell_report {

class InputError : public std::runtime_error {
 public:
  InputError(const std::filesystem::path& file, const std::string& what);
};

}  // namespace takt::cell_report
