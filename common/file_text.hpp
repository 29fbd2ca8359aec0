#pragma once
// Reading a whole input file (plant YAML, TSNKit CSV, plan.json) the one way: the reason the
// system gave when it cannot be opened ("Permission denied", "No such file or directory",
// "Is a directory"), and a bound on its size, since the file comes from outside.
#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace takt {

// Far above any real plant, instance or plan, far below what would exhaust a small controller.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{64} << 20;

// The file's bytes. The error's message names the path and says why ("plant.yaml: cannot open:
// Permission denied"); its hint says what to do.
Result<std::string> read_file_text(const std::string& path, std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace takt
