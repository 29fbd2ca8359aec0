#pragma once
// A file descriptor with one owner: closed when the owner goes, moved never copied. Sockets,
// timerfds and files opened by the probe, the dataplane and the tests hold their fd in one.
#include <unistd.h>

#include <utility>

namespace takt {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives the fd up without closing it.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }
  // Closes the fd held (if any) and holds fd instead.
  void reset(int fd = -1) {
    if (fd_ >= 0 && fd_ != fd) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace takt
