#include "control/southbound/desired_plant.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "control/export/bridge_config.hpp"
#include "control/export/plan_manifest.hpp"
#include "control/export/station_config.hpp"
#include "control/export/yang_sched_bridge.hpp"
#include "common/file_text.hpp"
#include "control/model/loader.hpp"
#include "control/schedule/plan_json.hpp"
#include "control/schedule/planner.hpp"
#include "protocol/bridge_config_json.hpp"

namespace takt::southbound {

namespace fs = std::filesystem;

namespace {

model::Plant load_plant(const std::string& file) {
  model::LoadResult result = model::load_plant_file(file);
  if (!result.plant) {
    std::string text = fmt::format("{}: the plant is invalid; nothing was installed:", file);
    for (const auto& d : result.diagnostics) text += "\n  " + d.str();
    throw DesiredPlantError(text);
  }
  return std::move(*result.plant);
}

DesiredPlant from_plan(const schedule::Plan& plan, const model::Plant& plant, const std::string& source) {
  DesiredPlant d;
  d.source = source;
  d.plant = plan.plant;
  d.hyperperiod = plan.hyperperiod;
  d.sync_budget = plan.sync_error_budget;
  for (const auto& node : plant.nodes) {
    if (node.kind != model::NodeKind::bridge) continue;
    try {
      d.bridges.emplace(node.name, exporter::bridge_config(plan, plant, node.name));
      d.yang.emplace(node.name, exporter::sched_bridge_config(plan, plant, node.name));
    } catch (const std::exception& e) {
      throw DesiredPlantError(fmt::format("{}: bridge {}: {}", source, node.name, e.what()));
    }
  }
  for (const auto& name : exporter::stations_with_streams(plan, plant)) {
    try {
      d.stations.emplace(name, exporter::station_config(plan, plant, name));
    } catch (const std::exception& e) {
      throw DesiredPlantError(fmt::format("{}: end station {}: {}", source, name, e.what()));
    }
  }
  return d;
}

}  // namespace

DesiredPlant load_desired_plant(const std::string& path, const std::string& plant_file) {
  if (fs::is_directory(path)) {
    const fs::path plan_file = fs::path(path) / "plan.json";
    if (!fs::exists(plan_file))
      throw DesiredPlantError(
          fmt::format("{}: no plan.json; make one with `taktctl plan PLANT.yaml -o {}`", path, path));
    // Exactly the files that were planned (and reviewed) are installed, or nothing: a folder
    // that was half-written, hand-edited or mixed with another plan's files is refused here,
    // naming the file (plan.json records each one's size and SHA-256).
    std::vector<exporter::ManifestEntry> recorded;
    try {
      recorded = exporter::verify_plan_folder(path);
    } catch (const std::exception& e) {
      throw DesiredPlantError(fmt::format("{}; nothing was installed", e.what()));
    }
    // `taktctl plan` writes bridge/<name>.json (takt-bridge/1): then the plan folder is
    // enough, and exactly what was reviewed is what gets installed.
    const fs::path bridge_dir = fs::path(path) / "bridge";
    if (plant_file.empty() && fs::is_directory(bridge_dir)) {
      DesiredPlant d;
      try {
        const schedule::Plan plan = schedule::read_plan_file(plan_file.string());
        d.plant = plan.plant;
        d.hyperperiod = plan.hyperperiod;
        d.sync_budget = plan.sync_error_budget;
        for (const auto& entry : recorded) {
          const fs::path file = fs::path(path) / entry.path;
          if (file.extension() != ".json") continue;
          const auto folder = fs::path(entry.path).parent_path();
          if (folder == "bridge") {
            bridge::BridgeConfig config = bridge::load_bridge_config(file);
            d.bridges.emplace(config.bridge, std::move(config));
          } else if (folder == "yang") {
            const auto text = read_file_text(file.string());
            if (!text) throw DesiredPlantError(text.error().message);
            d.yang.emplace(file.stem().string(), nlohmann::ordered_json::parse(*text));
          } else if (folder == "stations") {
            station::StationConfig config = station::load_station_config(file.string());
            d.stations.emplace(config.station, std::move(config));
          }
        }
      } catch (const std::exception& e) {
        throw DesiredPlantError(e.what());
      }
      d.source = path;
      return d;
    }
    std::string plant_path = plant_file;
    if (plant_path.empty()) {
      if (!fs::exists(fs::path(path) / "plant.yaml"))
        throw DesiredPlantError(
            fmt::format("{}: the plan needs the plant it was planned from; give it with --plant "
                        "PLANT.yaml",
                        path));
      plant_path = (fs::path(path) / "plant.yaml").string();
    }
    const model::Plant plant = load_plant(plant_path);
    schedule::Plan plan;
    try {
      plan = schedule::read_plan_file(plan_file.string());
    } catch (const std::exception& e) {
      throw DesiredPlantError(e.what());
    }
    if (plan.plant != plant.name)
      throw DesiredPlantError(fmt::format("{} is a plan for plant \"{}\" but {} is plant \"{}\"", plan_file.string(),
                                          plan.plant, plant_path, plant.name));
    return from_plan(plan, plant, path);
  }
  const model::Plant plant = load_plant(path);
  const schedule::PlanOutcome outcome = schedule::plan_plant(plant);
  if (!outcome.plan) {
    std::string text = fmt::format("{}: plant \"{}\" cannot be scheduled; nothing was installed:", path, plant.name);
    for (const auto& i : outcome.issues) {
      std::string where;
      if (!i.stream.empty()) where += "stream " + i.stream;
      if (!i.port.empty()) where += (where.empty() ? "" : ", ") + std::string("port ") + i.port;
      text += "\n  " + (where.empty() ? i.message : where + ": " + i.message);
    }
    throw DesiredPlantError(text);
  }
  return from_plan(*outcome.plan, plant, path);
}

}  // namespace takt::southbound
