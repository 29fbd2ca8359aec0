#include "common/file_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/unique_fd.hpp"

namespace takt {
namespace {

// What a person can do about the usual reasons.
std::string hint_for(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return "give the user running takt read permission on the file and search permission on its folders";
    case ENOENT:
    case ENOTDIR:
      return "check the path";
    case EISDIR:
      return "give a file, not a folder";
    default:
      return "";
  }
}

Error io_error(const std::string& path, const char* doing, int err) {
  return Error{fmt::format("{}: cannot {}: {}", path, doing, std::strerror(err)), hint_for(err)};
}

}  // namespace

Result<std::string> read_file_text(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: a FIFO or device given as a file must not hang the tool at open.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return io_error(path, "open", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error(path, "read", errno);
  if (S_ISDIR(st.st_mode)) return io_error(path, "read", EISDIR);
  if (!S_ISREG(st.st_mode))
    return Error{fmt::format("{}: cannot read: not a regular file", path), "give a file, not a device or a pipe"};
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path, "read", errno);
    }
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes)
      return Error{fmt::format("{}: larger than {} bytes, the most takt reads from one input file", path, max_bytes),
                   "check that this is the file you meant"};
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace takt
