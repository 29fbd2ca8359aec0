#include "control/southbound/connect_watchdog.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace takt::southbound {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// One address, non-blocking until connected so the deadline holds; blocking afterwards, as
// libssh expects.
UniqueFd connect_one(const addrinfo& a, Clock::time_point deadline, std::string& why) {
  UniqueFd fd(::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a.ai_protocol));
  if (!fd) {
    why = std::strerror(errno);
    return {};
  }
  if (::connect(fd.get(), a.ai_addr, a.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      why = std::strerror(errno);
      return {};
    }
    pollfd p{fd.get(), POLLOUT, 0};
    int ready = 0;
    do ready = ::poll(&p, 1, remaining_ms(deadline));
    while (ready < 0 && errno == EINTR);
    if (ready <= 0) {
      why = ready == 0 ? "timed out" : std::strerror(errno);
      return {};
    }
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
      why = std::strerror(error != 0 ? error : errno);
      return {};
    }
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    why = std::strerror(errno);
    return {};
  }
  return fd;
}

}  // namespace

UniqueFd tcp_connect(const std::string& host, unsigned port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error(fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc)));
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);
  std::string why = "no address";
  for (const addrinfo* a = found; a && remaining_ms(deadline) > 0; a = a->ai_next)
    if (UniqueFd fd = connect_one(*a, deadline, why)) return fd;
  throw std::runtime_error(fmt::format("TCP connect to {} port {}: {}", host, port,
                                       remaining_ms(deadline) > 0 ? why : std::string("timed out")));
}

ConnectWatchdog::ConnectWatchdog(int fd, std::chrono::milliseconds limit)
    : duplicate_(::fcntl(fd, F_DUPFD_CLOEXEC, 0)) {
  if (!duplicate_) throw std::runtime_error(fmt::format("cannot watch the connection: {}", std::strerror(errno)));
  thread_ = std::thread([this, limit] {
    std::unique_lock lock(mutex_);
    if (stop_requested_.wait_for(lock, limit, [this] { return stopping_; })) return;
    fired_ = true;
    ::shutdown(duplicate_.get(), SHUT_RDWR);
  });
}

void ConnectWatchdog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ConnectWatchdog::~ConnectWatchdog() { stop(); }

bool ConnectWatchdog::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

}  // namespace takt::southbound
