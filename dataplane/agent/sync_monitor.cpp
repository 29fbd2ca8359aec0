#include "dataplane/agent/sync_monitor.hpp"

namespace takt::agent {

SyncMonitor::SyncMonitor(SyncMonitorOptions options) : options_(options) {}

SyncChange SyncMonitor::observe(Nanos now, bool good) {
  if (good) {
    bad_since_.reset();
    if (!good_since_) good_since_ = now;
  } else {
    good_since_.reset();
    if (!bad_since_) bad_since_ = now;
  }
  switch (state_) {
    case SyncState::unknown:
      // At start-up a good clock is trusted at once: nothing runs yet that it could disturb.
      if (good) {
        state_ = SyncState::in_sync;
        since_ = now;
      } else if (now - *bad_since_ >= options_.loss_after) {
        state_ = SyncState::out_of_sync;
        since_ = now;
      }
      return SyncChange::none;
    case SyncState::in_sync:
      if (!good && now - *bad_since_ >= options_.loss_after) {
        state_ = SyncState::out_of_sync;
        since_ = now;
        return SyncChange::lost;
      }
      return SyncChange::none;
    case SyncState::out_of_sync:
      if (good && now - *good_since_ >= options_.regain_after) {
        state_ = SyncState::in_sync;
        since_ = now;
        return SyncChange::regained;
      }
      return SyncChange::none;
  }
  return SyncChange::none;
}

const char* to_string(SyncState state) {
  switch (state) {
    case SyncState::unknown:
      return "unknown";
    case SyncState::in_sync:
      return "in-sync";
    case SyncState::out_of_sync:
      return "out-of-sync";
  }
  return "unknown";
}

}  // namespace takt::agent
