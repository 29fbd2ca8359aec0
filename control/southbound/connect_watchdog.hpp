#pragma once
// Bounds a connect that a library runs on a socket of ours. libnetconf2 sends <get-schema>
// requests while it connects and waits minutes for each reply; yuma123's netconfd loses a
// request that it reads together with the client's <hello>, so now and then a connect would
// hang that long. The session gets a TCP connection opened here, and a watchdog thread shuts
// that socket down when the connect outlives its limit: every read fails at once and the
// library returns. It shuts down a duplicate of the descriptor, so a socket the library has
// closed meanwhile is never confused with another that took its number.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/unique_fd.hpp"

namespace takt::southbound {

// A connected TCP socket to host:port (a name or an address), within `timeout` for resolving
// and connecting together; throws std::runtime_error saying what failed.
UniqueFd tcp_connect(const std::string& host, unsigned port, std::chrono::milliseconds timeout);

class ConnectWatchdog {
 public:
  ConnectWatchdog(int fd, std::chrono::milliseconds limit);
  ~ConnectWatchdog();  // stops the watch (the socket stays open unless the watchdog fired)
  ConnectWatchdog(const ConnectWatchdog&) = delete;
  ConnectWatchdog& operator=(const ConnectWatchdog&) = delete;

  // Ends the watch now; afterwards fired() says whether the limit had passed first.
  void stop();
  bool fired() const;

 private:
  UniqueFd duplicate_;
  mutable std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace takt::southbound
