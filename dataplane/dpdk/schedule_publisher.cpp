#include "dataplane/dpdk/schedule_publisher.hpp"

#include <memory>

namespace takt::dpdk {

SchedulePublisher::SchedulePublisher(RcuCell<GateSchedule>& cell, bridge::BridgeConfig running, TaiTime now)
    : cell_(cell), config_(std::move(running)), last_(next_schedule(config_, nullptr, now)) {
  cell_.publish(std::make_unique<GateSchedule>(last_));
}

std::uint64_t SchedulePublisher::publish(const Edit& edit, TaiTime now) {
  std::lock_guard lock(mutex_);
  bridge::BridgeConfig next_config = edit(config_);
  GateSchedule next = next_schedule(next_config, &last_, now);
  cell_.publish(std::make_unique<GateSchedule>(next));
  last_ = std::move(next);
  config_ = std::move(next_config);
  return last_.generation;
}

SchedulePublisher::Running SchedulePublisher::running() const {
  std::lock_guard lock(mutex_);
  return Running{config_, last_};
}

}  // namespace takt::dpdk
