#include "control/export/plan_manifest.hpp"

#include <set>

#include <fmt/format.h>

#include "common/file_text.hpp"
#include "control/export/artifact_path.hpp"
#include "control/export/sha256.hpp"
#include "protocol/bounded_json.hpp"

namespace takt::exporter {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// A record bigger than this is not a plan's: thousands of bridges and stations fit well below.
constexpr std::size_t kMaxEntries = 100'000;

bool is_hex_digest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

ManifestEntry entry_from_json(const json& e, const std::string& where) {
  if (!e.is_object() || !e.contains("path") || !e["path"].is_string() || !e.contains("bytes") ||
      !e["bytes"].is_number_unsigned() || !e.contains("sha256") || !e["sha256"].is_string())
    throw PlanFolderError(fmt::format("{}: each artifact needs \"path\", \"bytes\" and \"sha256\"", where));
  ManifestEntry entry{e["path"].get<std::string>(), e["bytes"].get<std::uintmax_t>(), e["sha256"].get<std::string>()};
  if (!is_hex_digest(entry.sha256))
    throw PlanFolderError(
        fmt::format("{}: artifact {}: sha256 is not 64 lowercase hex digits", where, text_excerpt(entry.path, 80)));
  return entry;
}

}  // namespace

json manifest_json(const std::vector<ManifestEntry>& entries) {
  json a = json::array();
  for (const auto& e : entries) a.push_back({{"path", e.path}, {"bytes", e.bytes}, {"sha256", e.sha256}});
  return a;
}

std::optional<std::vector<ManifestEntry>> read_manifest(const fs::path& plan_json) {
  std::error_code ec;
  if (!fs::exists(plan_json, ec)) return std::nullopt;
  const std::string where = plan_json.string();
  const auto text = read_file_text(where);  // says why it cannot be read, bounds the size
  if (!text) throw PlanFolderError(text.error().message);
  json j;
  try {
    j = parse_bounded_json(*text);
  } catch (const std::exception& e) {
    throw PlanFolderError(fmt::format("{}: not a plan: {}", where, e.what()));
  }
  if (!j.is_object() || !j.contains("artifacts") || !j["artifacts"].is_array())
    throw PlanFolderError(
        fmt::format("{}: records no artifacts (not written by this taktctl, which records every file it writes); "
                    "plan again into this folder's place or a new folder",
                    where));
  if (j["artifacts"].size() > kMaxEntries)
    throw PlanFolderError(fmt::format("{}: more than {} artifacts", where, kMaxEntries));
  std::vector<ManifestEntry> entries;
  std::set<std::string> seen;
  for (const auto& e : j["artifacts"]) {
    ManifestEntry entry = entry_from_json(e, where);
    try {
      (void)inside_output(fs::path("."), entry.path);
    } catch (const std::exception& err) {
      throw PlanFolderError(fmt::format("{}: {}", where, err.what()));
    }
    if (entry.path == "plan.json" || !seen.insert(entry.path).second)
      throw PlanFolderError(fmt::format("{}: artifact {} is recorded twice", where, text_excerpt(entry.path, 80)));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<ManifestEntry> verify_plan_folder(const fs::path& dir) {
  const fs::path plan_json = dir / "plan.json";
  auto entries = read_manifest(plan_json);
  if (!entries) throw PlanFolderError(fmt::format("{}: no plan.json", dir.string()));
  std::set<std::string> recorded;
  for (const auto& e : *entries) {
    recorded.insert(e.path);
    const fs::path file = inside_output(dir, e.path);
    std::error_code ec;
    const bool regular = fs::is_regular_file(fs::symlink_status(file, ec));
    if (!regular)
      throw PlanFolderError(
          fmt::format("{}: {} is missing (plan.json records it); the folder is not the plan "
                      "that was written, plan again",
                      dir.string(), e.path));
    const auto size = fs::file_size(file, ec);
    if (ec || size != e.bytes)
      throw PlanFolderError(
          fmt::format("{}: {} has {} bytes, plan.json records {}; the file was changed after "
                      "planning, plan again",
                      dir.string(), e.path, ec ? 0 : size, e.bytes));
    const auto digest = sha256_file_hex(file);
    if (!digest) throw PlanFolderError(fmt::format("{}: {}: cannot read", dir.string(), e.path));
    if (*digest != e.sha256)
      throw PlanFolderError(
          fmt::format("{}: {} does not match the digest plan.json records (sha256 {} , recorded "
                      "{}); the file was changed after planning, plan again",
                      dir.string(), e.path, *digest, e.sha256));
  }
  // What apply installs from: a configuration the plan does not record must not ride along.
  std::error_code ec;
  if (fs::is_directory(dir / "bridge", ec)) {
    for (const auto& entry : fs::directory_iterator(dir / "bridge", ec)) {
      const std::string rel = fmt::format("bridge/{}", entry.path().filename().string());
      if (!recorded.count(rel))
        throw PlanFolderError(
            fmt::format("{}: {} is not part of the plan (plan.json does not record it); remove it "
                        "or plan again",
                        dir.string(), rel));
    }
  }
  return *entries;
}

}  // namespace takt::exporter
