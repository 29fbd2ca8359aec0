#include "control/export/plan_folder.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "control/export/artifact_path.hpp"

namespace takt::exporter {
namespace fs = std::filesystem;

namespace {

fs::path normalised(const fs::path& p) {
  fs::path out = fs::absolute(p).lexically_normal();
  if (!out.has_filename() && out.has_parent_path() && out != out.root_path()) out = out.parent_path();
  return out;
}

std::string errno_text() { return std::strerror(errno); }

// Every file below `dir`, as '/'-separated paths relative to it; folders that hold files are
// implied by them, empty folders are listed with a trailing '/'.
std::set<std::string> entries_below(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    std::error_code dir_ec;
    if (it->is_directory(dir_ec) && !it->is_symlink(dir_ec)) {
      if (fs::is_empty(it->path(), dir_ec)) out.insert(rel + "/");
    } else {
      out.insert(rel);
    }
  }
  if (ec) throw PlanFolderError(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
  return out;
}

// Removes `rel`'s folders below `root` while they are empty (what a removed artifact leaves).
void remove_empty_parents(const fs::path& root, const std::string& rel) {
  std::error_code ec;
  for (fs::path p = fs::path(rel).parent_path(); !p.empty(); p = p.parent_path())
    if (!fs::remove(root / p, ec)) break;  // not empty (or gone): stop
}

}  // namespace

PlanFolder::PlanFolder(const fs::path& target) : target_(normalised(target)) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target_, ec)) && !fs::is_directory(target_, ec))
    throw PlanFolderError(fmt::format("{}: exists and is not a folder", target_.string()));
  const fs::path parent = target_.parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw PlanFolderError(fmt::format("{}: cannot create: {}", parent.string(), ec.message()));
  // Not "." + name + ...: GCC 12 -O3 reports a false -Wrestrict on literal + string (bug 105651).
  std::string pattern = (parent / fmt::format(".{}.takt-new-XXXXXX", target_.filename().string())).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw PlanFolderError(
        fmt::format("{}: cannot create a staging folder beside it: {}", target_.string(), errno_text()));
  staging_ = pattern;
  // mkdtemp makes 0700; the plan folder gets what the user's umask gives any new folder.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(staging_.c_str(), 0777 & ~mask);
}

PlanFolder::~PlanFolder() {
  if (staging_.empty()) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

std::vector<ManifestEntry> PlanFolder::publish() {
  if (published_) throw PlanFolderError("a plan folder is published once");
  std::vector<ManifestEntry> fresh = verify_plan_folder(staging_);

  std::error_code ec;
  if (!fs::exists(target_, ec)) {
    if (::rename(staging_.c_str(), target_.c_str()) != 0)
      throw PlanFolderError(
          fmt::format("{}: cannot rename {} into place: {}", target_.string(), staging_.string(), errno_text()));
    staging_.clear();
    published_ = true;
    return fresh;
  }

  // What the previous plan recorded may go; anything else in the target is not takt's.
  std::set<std::string> previous{"plan.json"};
  if (auto old = read_manifest(target_ / "plan.json"))
    for (const auto& e : *old) previous.insert(e.path);
  // Folders that hold only recorded files are the previous plan's too (they are not listed).
  std::set<std::string> foreign;
  for (const auto& rel : entries_below(target_))
    if (!previous.count(rel)) foreign.insert(rel);
  // apply installs every file in bridge/: one that no plan recorded makes the folder unusable.
  for (const auto& rel : foreign)
    if (rel.rfind("bridge/", 0) == 0 && rel != "bridge/")
      throw PlanFolderError(fmt::format(
          "{}: {} is in the plan's bridge/ folder but no plan recorded it (apply would refuse the folder); nothing "
          "was written (move it away or plan into another folder)",
          target_.string(), rel));
  for (const auto& e : fresh)
    if (foreign.count(e.path))
      throw PlanFolderError(fmt::format(
          "{}: {} is in the way and no earlier plan in this folder recorded it; nothing was written (move it away "
          "or plan into another folder)",
          target_.string(), e.path));
  if (foreign.empty()) {
    // One rename swaps the whole folder; the old plan then sits at the staging path.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      published_ = true;  // the destructor removes the old plan from the staging path
      return fresh;
    }
    if (errno != EINVAL && errno != ENOSYS)
      throw PlanFolderError(fmt::format("{}: cannot swap in the new plan: {}", target_.string(), errno_text()));
    // A file system without RENAME_EXCHANGE: file by file below.
  }

  // File by file, keeping what is not takt's: old recorded files out, new ones in, plan.json
  // last so that a reader never finds a record of files that are not there yet.
  const std::string half = "the folder now holds part of the new plan; apply refuses it until you plan again";
  for (const auto& rel : previous) {
    if (rel == "plan.json") continue;
    fs::remove(inside_output(target_, rel), ec);
    remove_empty_parents(target_, rel);
  }
  for (const auto& e : fresh) {
    const fs::path to = inside_output(target_, e.path);
    fs::create_directories(to.parent_path(), ec);
    if (::rename((staging_ / e.path).c_str(), to.c_str()) != 0)
      throw PlanFolderError(
          fmt::format("{}: cannot move {} into place: {}; {}", target_.string(), e.path, errno_text(), half));
  }
  if (::rename((staging_ / "plan.json").c_str(), (target_ / "plan.json").c_str()) != 0)
    throw PlanFolderError(
        fmt::format("{}: cannot move plan.json into place: {}; {}", target_.string(), errno_text(), half));
  published_ = true;
  return verify_plan_folder(target_);
}

}  // namespace takt::exporter
