#pragma once
// The record of a plan folder: plan.json's "artifacts" lists every other file the plan wrote,
// with its size and SHA-256. It is what makes a plan folder trustworthy after it leaves taktctl:
//   - `taktctl apply` and takt-controller install a folder only if every recorded file is there
//     with its recorded digest and no configuration the plan does not record sits beside them
//     (a half-copied folder, a hand-edited bridge file or a file from another plan is refused,
//     naming the file);
//   - `taktctl plan -o DIR` replaces exactly the files the previous plan recorded and nothing
//     else in DIR.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace takt::exporter {

struct ManifestEntry {
  std::string path;  // relative to the plan folder, '/'-separated
  std::uintmax_t bytes = 0;
  std::string sha256;  // lowercase hex
};

// A plan folder that does not match its record; the message names the folder and the file.
struct PlanFolderError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

nlohmann::json manifest_json(const std::vector<ManifestEntry>& entries);

// The entries recorded in `plan_json` (a plan.json file). nullopt when the file does not exist.
// Throws PlanFolderError when it is not JSON or records no artifacts (a plan written before
// takt kept the record, or not by takt), naming the file.
std::optional<std::vector<ManifestEntry>> read_manifest(const std::filesystem::path& plan_json);

// Checks a plan folder against its plan.json: every recorded file exists inside the folder with
// the recorded size and digest, and every file in bridge/ is recorded. Returns the entries.
// Throws PlanFolderError naming the first file that differs and how.
std::vector<ManifestEntry> verify_plan_folder(const std::filesystem::path& dir);

}  // namespace takt::exporter
