#pragma once
// A plan folder is replaced whole or not at all. Everything is written into a staging folder
// next to the target (same file system, so renames are atomic), checked against its own record
// (plan_manifest.hpp), and only then put in place:
//   - a target that does not exist, or holds nothing but what the previous plan recorded, is
//     swapped with the staging folder in one rename (renameat2 RENAME_EXCHANGE): a reader
//     (takt-controller, apply) sees the old plan or the new one, never a mix;
//   - a target that also holds files takt did not write keeps them: the previous plan's
//     recorded files are removed, the new ones renamed in, plan.json last. A file in the way
//     that no previous plan recorded is never overwritten: the plan is refused before anything
//     is touched.
// A plan that fails before publish() leaves the target byte for byte as it was and removes the
// staging folder.
#include <filesystem>
#include <string>
#include <vector>

#include "control/export/plan_manifest.hpp"

namespace takt::exporter {

class PlanFolder {
 public:
  // Creates the staging folder beside `target`. Throws PlanFolderError naming the folder when
  // the target exists and is not a folder, or the staging folder cannot be made.
  explicit PlanFolder(const std::filesystem::path& target);
  ~PlanFolder();
  PlanFolder(const PlanFolder&) = delete;
  PlanFolder& operator=(const PlanFolder&) = delete;

  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  // Verifies the staging folder against its plan.json, then puts it in place as described
  // above. Returns the recorded entries. Throws PlanFolderError (the target unchanged, except
  // for a failure of the file system half-way through a per-file replacement, which the
  // message says).
  std::vector<ManifestEntry> publish();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool published_ = false;
};

}  // namespace takt::exporter
