#pragma once
// A stand-in for ptp4l's management socket: binds a pathname datagram socket in a fresh temp
// directory and answers each request with whatever the test's handler returns, sent back to
// the requester's address exactly as ptp4l does (sendto the peer).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.hpp"
#include "ptp/management_message.hpp"

namespace takt::ptp::test {

class FakePtp4l {
 public:
  using Handler = std::function<std::vector<Bytes>(const ManagementMessage& request)>;

  explicit FakePtp4l(Handler handler);
  ~FakePtp4l();
  FakePtp4l(const FakePtp4l&) = delete;
  FakePtp4l& operator=(const FakePtp4l&) = delete;

  const std::string& path() const { return path_; }
  const std::string& directory() const { return directory_; }
  std::vector<ManagementMessage> requests() const;

 private:
  void serve();

  Handler handler_;
  std::string directory_;
  std::string path_;
  UniqueFd fd_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<ManagementMessage> requests_;
  std::thread thread_;
};

// The clock identity the fake ptp4l answers as.
inline constexpr ClockIdentity kFakeClock{{0x0e, 0xeb, 0x4d, 0xff, 0xfe, 0xf4, 0xfa, 0xc8}};

// A RESPONSE to `request` from port `port` of kFakeClock carrying `data` under `id`.
Bytes response_to(const ManagementMessage& request, std::uint16_t port, ManagementId id, const Bytes& data);
// A MANAGEMENT_ERROR_STATUS answer to `request`.
Bytes error_response_to(const ManagementMessage& request, ManagementErrorId error);

}  // namespace takt::ptp::test
