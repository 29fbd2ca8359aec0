#pragma once
// SHA-256 of what a plan writes, as lowercase hex: plan.json records one per artifact so that
// `taktctl apply` and takt-controller install exactly the files that were planned and reviewed.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace takt::exporter {

std::string sha256_hex(std::string_view data);

// The digest of a file's bytes; nullopt when it cannot be read.
std::optional<std::string> sha256_file_hex(const std::filesystem::path& path);

}  // namespace takt::exporter
