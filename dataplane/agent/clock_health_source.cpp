#include "dataplane/agent/clock_health_source.hpp"

namespace takt::agent {

ClockHealthSource::ClockHealthSource(std::optional<ptp::ManagementClientOptions> options)
    : options_(std::move(options)) {}

ptp::ClockHealth ClockHealthSource::read() {
  if (!options_) throw NoClockHealth("no clock health: this agent was started without a ptp4l socket (--ptp-uds)");
  std::lock_guard lock(mutex_);
  try {
    if (!client_) client_.emplace(*options_);
    ptp::ClockHealth health = ptp::read_clock_health(*client_);
    utc_offset_ = health.utc_offset();
    return health;
  } catch (...) {
    // A fresh socket next time: ptp4l may have restarted, and stale replies must not match.
    client_.reset();
    throw;
  }
}

std::chrono::seconds ClockHealthSource::utc_offset() const {
  std::lock_guard lock(mutex_);
  return utc_offset_;
}

}  // namespace takt::agent
