#include "control/controller/state_dir.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "protocol/bridge_config_json.hpp"

namespace takt::controller {

namespace fs = std::filesystem;

StateDir::StateDir(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  fs::create_directories(path_, ec);
  if (ec) throw std::runtime_error(fmt::format("state directory {}: {}", path_, ec.message()));
}

void StateDir::save_last_good(const southbound::DesiredPlant& plant, const std::string& transaction, TaiTime now) {
  const fs::path dir = fs::path(path_) / "last-good";
  const fs::path next = fs::path(path_) / "last-good.new";
  const fs::path old = fs::path(path_) / "last-good.old";
  fs::remove_all(next);
  fs::create_directories(next / "bridges");
  for (const auto& [name, config] : plant.bridges)
    bridge::save_bridge_config(next / "bridges" / (name + ".json"), config);
  const nlohmann::json meta{{"plant", plant.plant},
                            {"source", plant.source},
                            {"hyperperiod-ns", plant.hyperperiod.count()},
                            {"sync-budget-ns", plant.sync_budget.count()},
                            {"transaction", transaction},
                            {"saved-at-tai-ns", ns_of(now)}};
  std::ofstream(next / "plan.json") << meta.dump(2) << "\n";
  // Two renames: at every instant either the old or the new set is complete under a name.
  fs::remove_all(old);
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(next, dir);
  fs::remove_all(old);
}

std::optional<southbound::DesiredPlant> StateDir::load_last_good() const {
  const fs::path dir = fs::path(path_) / "last-good";
  if (!fs::exists(dir / "plan.json")) return std::nullopt;
  std::ifstream in(dir / "plan.json");
  const nlohmann::json meta = nlohmann::json::parse(in, nullptr, false);
  if (meta.is_discarded() || !meta.is_object())
    throw std::runtime_error(
        fmt::format("{}: not JSON; remove the folder to start without a last good plan", (dir / "plan.json").string()));
  southbound::DesiredPlant plant;
  plant.plant = meta.value("plant", "");
  plant.source = (dir).string();
  plant.hyperperiod = Nanos{meta.value("hyperperiod-ns", std::int64_t{0})};
  plant.sync_budget = Nanos{meta.value("sync-budget-ns", std::int64_t{0})};
  for (const auto& entry : fs::directory_iterator(dir / "bridges")) {
    if (entry.path().extension() != ".json") continue;
    bridge::BridgeConfig config = bridge::load_bridge_config(entry.path());
    plant.bridges.emplace(config.bridge, std::move(config));
  }
  return plant;
}

}  // namespace takt::controller
