#pragma once
// The agent's window on ptp4l: reads ClockHealth through the management socket when one is
// configured, and remembers the last UTC offset seen, which the host TAI clock needs.
#include <chrono>
#include <mutex>
#include <optional>

#include "ptp/clock_health.hpp"
#include "ptp/management_client.hpp"

namespace takt::agent {

class ClockHealthSource {
 public:
  // nullopt: no ptp4l configured; read() then throws NoClockHealth.
  explicit ClockHealthSource(std::optional<ptp::ManagementClientOptions> options);

  bool configured() const { return options_.has_value(); }
  // A fresh snapshot. Throws NoClockHealth when not configured, and the ptp client's errors
  // (TransportError, ...) when ptp4l does not answer.
  ptp::ClockHealth read();
  // TAI - UTC from the last snapshot, kDefaultUtcOffset before the first one.
  std::chrono::seconds utc_offset() const;

 private:
  std::optional<ptp::ManagementClientOptions> options_;
  mutable std::mutex mutex_;
  std::optional<ptp::PtpManagementClient> client_;
  std::chrono::seconds utc_offset_ = ptp::kDefaultUtcOffset;
};

class NoClockHealth : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace takt::agent
