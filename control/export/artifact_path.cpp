#include "control/export/artifact_path.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace takt::exporter {
namespace fs = std::filesystem;

namespace {

// The name as an error can show it: at most 80 bytes, control bytes (NUL would end what()) as '?'.
std::string printable(std::string_view text) {
  std::string out(text.substr(0, 80));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

}  // namespace

std::string artifact_path(std::string_view folder, std::string_view name, std::string_view extension) {
  // The name is quoted with its length: it may hold bytes a terminal would not show.
  const auto refuse = [&](std::string_view why) {
    return std::runtime_error(
        fmt::format("refusing to write a file for the name '{}' ({} bytes): {}", printable(name), name.size(), why));
  };
  if (name.empty()) throw refuse("it is empty");
  if (name == "." || name == "..") throw refuse("it names a folder");
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    throw refuse("it contains a path separator");
  if (name.find('\0') != std::string_view::npos) throw refuse("it contains a NUL byte");
  std::string rel(folder);
  if (!rel.empty()) rel += '/';
  rel += name;
  rel += extension;
  return rel;
}

fs::path inside_output(const fs::path& root, std::string_view rel) {
  const fs::path r{std::string(rel)};
  if (rel.empty() || r.is_absolute() || r.has_root_name() || r.has_root_directory())
    throw std::runtime_error(
        fmt::format("refusing to write '{}': not a path inside the output folder", printable(rel)));
  // Lexically: the file need not exist yet, and a symlink the user placed in the folder is theirs.
  const fs::path normal = r.lexically_normal();
  if (normal.empty() || normal == "." || *normal.begin() == "..")
    throw std::runtime_error(fmt::format("refusing to write '{}': it leaves the output folder", printable(rel)));
  return root / normal;
}

}  // namespace takt::exporter
