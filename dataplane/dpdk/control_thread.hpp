#pragma once
// The dataplane's slow path, on a thread of its own away from the packet lcore: refits the TSC
// (and NIC clocks used for launch time) against PTP time every 100 ms, and on request reloads
// the bridge configuration and publishes the new gate schedule through the SchedulePublisher
// (which the switch agent's commits share); writes the packet loop's host stalls to their log.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/dpdk/dataplane_metrics.hpp"
#include "dataplane/dpdk/launch_time.hpp"
#include "dataplane/dpdk/schedule_publisher.hpp"
#include "dataplane/dpdk/stall_recorder.hpp"
#include "dataplane/dpdk/tsc_tai_clock.hpp"

namespace takt::dpdk {

class ControlThread {
 public:
  ControlThread(TscTaiClock& clock, std::vector<DeviceClock*> device_clocks, SchedulePublisher& schedule,
                std::string config_path, ControlGauges gauges, StallRecorder* stalls = nullptr);
  ~ControlThread();

  void start(const std::atomic<bool>& stop, std::atomic<bool>& reload);
  void join();

  // Loads the configuration file again and installs its gate schedule; on any error the
  // running schedule stays and the reason is logged. Call on the control thread.
  void reload();

 private:
  void loop(const std::atomic<bool>& stop, std::atomic<bool>& reload);
  void refit_clocks();

  TscTaiClock& clock_;
  std::vector<DeviceClock*> device_clocks_;
  SchedulePublisher& schedule_;
  std::string config_path_;
  ControlGauges gauges_;
  StallRecorder* stalls_;
  std::thread thread_;
};

}  // namespace takt::dpdk
