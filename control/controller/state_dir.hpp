#pragma once
// The controller's memory: the last desired plant that every bridge was confirmed to run,
// kept as plain files in a state directory (no database), so a controller restarted with a
// broken plant file still knows what the plant should run.
//
//   DIR/last-good/plan.json            {"plant", "source", "hyperperiod-ns", "sync-budget-ns",
//                                       "transaction", "saved-at-tai-ns"}
//   DIR/last-good/bridges/<bridge>.json   takt-bridge/1, one per bridge
#include <optional>
#include <string>

#include "control/southbound/desired_plant.hpp"

namespace takt::controller {

class StateDir {
 public:
  // Creates the directory if needed; throws std::runtime_error when it cannot.
  explicit StateDir(std::string path);

  // Replaces the last good plant as a whole (written beside, then renamed into place).
  void save_last_good(const southbound::DesiredPlant& plant, const std::string& transaction, TaiTime now);
  // nullopt when none was saved; throws std::runtime_error naming the file when one is unreadable.
  std::optional<southbound::DesiredPlant> load_last_good() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace takt::controller
