#include "tools/cell_report/input_error.hpp"

namespace takt::cell_report {

InputError::InputError(const std::filesystem::path& file, const std::string& what)
    : std::runtime_error(file.string() + ": " + what) {}

}  // namespace takt::cell_report
