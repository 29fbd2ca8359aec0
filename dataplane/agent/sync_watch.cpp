#include "dataplane/agent/sync_watch.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace takt::agent {

namespace {
Nanos monotonic_now() { return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now().time_since_epoch()); }
}  // namespace

const char* to_string(SyncLossAction action) { return action == SyncLossAction::keep ? "keep" : "open-gates"; }

std::optional<SyncLossAction> parse_sync_loss_action(const std::string& text) {
  if (text == "keep") return SyncLossAction::keep;
  if (text == "open-gates") return SyncLossAction::open_gates;
  return std::nullopt;
}

SyncWatch::SyncWatch(SyncWatchOptions options, BridgeRuntime& runtime, Assess assess)
    : options_(std::move(options)), runtime_(runtime), assess_(std::move(assess)), monitor_(options_.monitor) {
  report_.on_loss = options_.on_loss;
}

SyncWatch::~SyncWatch() { stop(); }

void SyncWatch::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void SyncWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncWatch::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    poll(monotonic_now());
    lock.lock();
    wake_.wait_for(lock, options_.period, [this] { return stopping_; });
  }
}

void SyncWatch::poll(Nanos now) {
  bool good = false;
  std::string reason;
  try {
    const ptp::HealthAssessment a = assess_();
    good = a.ok;
    reason = a.reason;
  } catch (const std::exception& e) {
    reason = fmt::format("ptp4l did not answer: {}", e.what());
  }

  std::lock_guard lock(mutex_);
  const SyncChange change = monitor_.observe(now, good);
  report_.state = monitor_.state();
  report_.reason = reason;
  if (change == SyncChange::lost) {
    ++report_.losses;
    if (options_.on_loss == SyncLossAction::open_gates) {
      try {
        runtime_.hold_gates_open(true);
        report_.gates_held_open = true;
        spdlog::error("bridge {}: clock out of sync ({}); every gate is open until it is back (--sync-loss open-gates)",
                      options_.bridge, reason);
      } catch (const std::exception& e) {
        spdlog::error("bridge {}: clock out of sync ({}); opening every gate failed, the schedule runs on: {}",
                      options_.bridge, reason, e.what());
      }
    } else {
      spdlog::error("bridge {}: clock out of sync ({}); the schedule runs on the free-running clock (--sync-loss keep)",
                    options_.bridge, reason);
    }
  } else if (change == SyncChange::regained && !report_.gates_held_open) {
    spdlog::info("bridge {}: clock in sync ({})", options_.bridge, reason);
  }
  // Retried at every reading while the clock is in sync: a failed restore must not leave the
  // gates open until the next loss.
  if (report_.gates_held_open && monitor_.state() == SyncState::in_sync) {
    try {
      runtime_.hold_gates_open(false);
      report_.gates_held_open = false;
      spdlog::info("bridge {}: clock back in sync ({}); the committed schedule returns at its next cycle boundary",
                   options_.bridge, reason);
    } catch (const std::exception& e) {
      if (change == SyncChange::regained)
        spdlog::error(
            "bridge {}: clock back in sync, but restoring the schedule failed (retried every {} ms; the "
            "gates stay open meanwhile): {}",
            options_.bridge, options_.period.count() / 1'000'000, e.what());
    }
  }
  if (monitor_.since()) report_.state_for = now - *monitor_.since();
}

SyncReport SyncWatch::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

}  // namespace takt::agent
