#pragma once
// The installer's phase durations of a series of applies, in ms, for the apply benchmarks:
// "set-up" is the rest of the total (clients or sessions made, the plan's diff).
#include <vector>

#include "control/southbound/installer.hpp"

namespace takt::bench {

struct InstallPhases {
  std::vector<double> setup, health, stage, commit, confirm, total;

  void add(const southbound::InstallReport& r) {
    const Nanos phases = r.health_time + r.stage_time + r.commit_time + r.confirm_time;
    setup.push_back(ms(r.total_time - phases));
    health.push_back(ms(r.health_time));
    stage.push_back(ms(r.stage_time));
    commit.push_back(ms(r.commit_time));
    confirm.push_back(ms(r.confirm_time));
    total.push_back(ms(r.total_time));
  }

 private:
  static double ms(Nanos d) { return static_cast<double>(d.count()) / 1e6; }
};

}  // namespace takt::bench
