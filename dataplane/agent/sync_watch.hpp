#pragma once
// The agent's sync-loss fallback: a thread that reads the clock health every `period`, judges it
// against the sync budget through a SyncMonitor and, when the clock is lost, does what the bridge
// is configured to do (--sync-loss):
//
//   keep        the schedule keeps running on the free-running clock. Right when the other
//               bridges' windows still line up for a while (a good oscillator drifts
//               microseconds per second), and nothing unscheduled gets in.
//   open-gates  every gate opens (the runtime's hold_gates_open): frames are forwarded as they
//               come, by strict priority, instead of in windows that no longer line up with the
//               neighbours'. When the clock is back in sync the committed schedule returns at
//               its own base time, so the bridge falls into the plan's phase at the next cycle
//               boundary without the controller writing anything.
//
// Either way the state is reported (/api/v1/health "sync", metrics) and logged on each change.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "dataplane/agent/bridge_runtime.hpp"
#include "dataplane/agent/sync_monitor.hpp"
#include "ptp/clock_health.hpp"

namespace takt::agent {

enum class SyncLossAction { keep, open_gates };

const char* to_string(SyncLossAction action);
// "keep" or "open-gates"; nullopt otherwise.
std::optional<SyncLossAction> parse_sync_loss_action(const std::string& text);

struct SyncWatchOptions {
  std::string bridge;  // for log lines
  SyncLossAction on_loss = SyncLossAction::keep;
  Nanos period = std::chrono::milliseconds(200);
  SyncMonitorOptions monitor;
};

// What the watch last saw, for the API and metrics.
struct SyncReport {
  SyncState state = SyncState::unknown;
  std::string reason;  // the last reading's assessment, or why there was none
  SyncLossAction on_loss = SyncLossAction::keep;
  bool gates_held_open = false;
  std::uint64_t losses = 0;  // in-sync -> out-of-sync changes since start
  Nanos state_for{0};        // how long the state has held
};

class SyncWatch {
 public:
  // One clock health reading judged against the sync budget; throws when there is none (ptp4l
  // does not answer), which counts as a bad reading.
  using Assess = std::function<ptp::HealthAssessment()>;
  // runtime must outlive the watch.
  SyncWatch(SyncWatchOptions options, BridgeRuntime& runtime, Assess assess);
  ~SyncWatch();  // stops and joins
  SyncWatch(const SyncWatch&) = delete;
  SyncWatch& operator=(const SyncWatch&) = delete;

  void start();
  void stop();
  // One reading and what follows from it, at monotonic time `now`; the thread calls this every
  // period. Public so tests can drive it without a thread.
  void poll(Nanos now);

  SyncReport report() const;

 private:
  void loop();

  SyncWatchOptions options_;
  BridgeRuntime& runtime_;
  Assess assess_;
  mutable std::mutex mutex_;
  SyncMonitor monitor_;
  SyncReport report_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace takt::agent
