#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "common/unique_fd.hpp"

using takt::UniqueFd;

namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_CASE("a unique fd closes what it owns", "[common][fd]") {
  int raw = -1;
  {
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.valid());
    raw = fd.get();
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));
}

TEST_CASE("a unique fd moves, resets and releases", "[common][fd]") {
  UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = a.get();
  UniqueFd b = std::move(a);
  CHECK_FALSE(a.valid());
  CHECK(b.get() == raw);

  UniqueFd c;
  c = std::move(b);
  CHECK(c.get() == raw);
  CHECK(is_open(raw));

  const int released = c.release();
  CHECK_FALSE(c.valid());
  CHECK(is_open(released));
  c.reset(released);
  c.reset();
  CHECK_FALSE(is_open(raw));
}
