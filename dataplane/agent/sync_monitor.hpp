#pragma once
// Whether a bridge's clock counts as synchronised, from a series of clock health readings. One
// bad reading (ptp4l busy for a moment, an offset spike) must not throw a bridge out of its
// schedule, and a clock that just came back must prove itself before the schedule returns, so
// both directions wait: out of sync after `loss_after` of nothing but bad readings, in sync again
// after `regain_after` of nothing but good ones. Pure: the caller passes a monotonic time.
#include <chrono>
#include <optional>

#include "dataplane/core/time.hpp"

namespace takt::agent {

enum class SyncState {
  unknown,      // no verdict yet (start-up)
  in_sync,      // the last readings were good
  out_of_sync,  // bad readings for loss_after, and not good for regain_after since
};

// What a reading changed. Only a clock that was in sync can be lost: a bridge that never was in
// sync runs no controller's schedule (the installer refuses unsynchronised clocks), so there
// is nothing to fall back from.
enum class SyncChange { none, lost, regained };

struct SyncMonitorOptions {
  Nanos loss_after = std::chrono::milliseconds(400);
  Nanos regain_after = std::chrono::seconds(2);
};

class SyncMonitor {
 public:
  explicit SyncMonitor(SyncMonitorOptions options = {});

  // A reading at monotonic time `now` (non-decreasing): good when the clock health was read and
  // judged within the sync budget.
  SyncChange observe(Nanos now, bool good);

  SyncState state() const { return state_; }
  // Monotonic time of the last change of state (nullopt while unknown).
  std::optional<Nanos> since() const { return since_; }

 private:
  SyncMonitorOptions options_;
  SyncState state_ = SyncState::unknown;
  std::optional<Nanos> since_;
  std::optional<Nanos> bad_since_;   // start of the current run of bad readings
  std::optional<Nanos> good_since_;  // start of the current run of good readings
};

const char* to_string(SyncState state);

}  // namespace takt::agent
