#include "dataplane/dpdk/control_thread.hpp"

#include <rte_cycles.h>

#include <chrono>

#include <spdlog/spdlog.h>

#include "protocol/bridge_config_json.hpp"

namespace takt::dpdk {

namespace {
constexpr auto kRefitPeriod = std::chrono::milliseconds(100);
constexpr auto kPollPeriod = std::chrono::milliseconds(10);
}  // namespace

ControlThread::ControlThread(TscTaiClock& clock, std::vector<DeviceClock*> device_clocks, SchedulePublisher& schedule,
                             std::string config_path, ControlGauges gauges, StallRecorder* stalls)
    : clock_(clock),
      device_clocks_(std::move(device_clocks)),
      schedule_(schedule),
      config_path_(std::move(config_path)),
      gauges_(gauges),
      stalls_(stalls) {
  gauges_.schedule_generation.set(1);
}

ControlThread::~ControlThread() { join(); }

void ControlThread::start(const std::atomic<bool>& stop, std::atomic<bool>& reload) {
  thread_ = std::thread([this, &stop, &reload] { loop(stop, reload); });
}

void ControlThread::join() {
  if (thread_.joinable()) thread_.join();
}

void ControlThread::refit_clocks() {
  clock_.refit();
  const ClockMapping& m = clock_.last_fit();
  gauges_.clock_residual_max.set(m.max_abs_residual_ns() * 1e-9);
  gauges_.clock_residual_rms.set(m.rms_residual_ns() * 1e-9);
  gauges_.tsc_frequency.set(static_cast<double>(m.ticks_per_second()));
  for (DeviceClock* d : device_clocks_)
    if (d) d->refit(m);
}

void ControlThread::loop(const std::atomic<bool>& stop, std::atomic<bool>& reload_requested) {
  auto next_refit = std::chrono::steady_clock::now();
  while (!stop.load()) {
    if (reload_requested.exchange(false)) reload();
    if (std::chrono::steady_clock::now() >= next_refit) {
      try {
        refit_clocks();
      } catch (const std::exception& e) {
        spdlog::error("clock refit: {}; keeping the previous mapping", e.what());
      }
      next_refit += kRefitPeriod;
    }
    if (stalls_) {
      try {
        stalls_->drain();
      } catch (const std::exception& e) {
        spdlog::error("stall log: {}", e.what());
      }
    }
    std::this_thread::sleep_for(kPollPeriod);
  }
  if (stalls_) stalls_->drain();  // the lcore has stopped: what it recorded last
}

void ControlThread::reload() {
  try {
    const bridge::BridgeConfig next = bridge::load_bridge_config(config_path_);
    bool tables_changed = false;
    const TaiTime now = clock_.last_fit().to_tai(rte_rdtsc());
    const std::uint64_t generation = schedule_.publish(
        [&](const bridge::BridgeConfig& running) {
          for (std::size_t i = 0; i < next.ports.size() && i < running.ports.size(); ++i)
            if (next.ports[i].name != running.ports[i].name)
              throw std::runtime_error("port " + std::to_string(i) + " is " + next.ports[i].name +
                                       " in the new file and " + running.ports[i].name +
                                       " in the running configuration; ports are fixed at start, "
                                       "restart takt-dataplane");
          tables_changed = next.static_fdb != running.static_fdb || next.streams != running.streams;
          bridge::BridgeConfig out = running;
          out.ports = next.ports;
          return out;
        },
        now);
    gauges_.schedule_generation.set(static_cast<double>(generation));
    if (tables_changed)
      spdlog::warn("{}: static FDB and stream entries changed; they take effect when takt-dataplane restarts",
                   config_path_);
    // The file replaces every port's gate table, including those a switch agent commit wrote.
    spdlog::info("{}: gate schedule {} installed", config_path_, generation);
  } catch (const std::exception& e) {
    spdlog::error("{}: not installed, the running schedule stays: {}", config_path_, e.what());
  }
}

}  // namespace takt::dpdk
