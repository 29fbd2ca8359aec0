#pragma once
// Every file a plan writes is named here. The plant loader already refuses unsafe names; this is
// the second wall, so that whatever a future name rule allows, no name can make a plan write
// outside its output folder or onto another artifact (e.g. "./robot" onto "robot").
#include <filesystem>
#include <string>
#include <string_view>

namespace takt::exporter {

// "<folder>/<name><extension>", relative to the output folder. Throws std::runtime_error naming
// the name when it is empty, "." or "..", or contains '/', '\\' or NUL.
std::string artifact_path(std::string_view folder, std::string_view name, std::string_view extension);

// root / rel, after checking that rel is relative and, taken lexically, stays inside root.
// Throws std::runtime_error naming rel otherwise.
std::filesystem::path inside_output(const std::filesystem::path& root, std::string_view rel);

}  // namespace takt::exporter
