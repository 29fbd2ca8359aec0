#pragma once
// What the switches should run: one takt-bridge/1 configuration per bridge (and one takt-station/1
// per end station with streams), with the plan's
// hyperperiod (base times are multiples of it) and sync error budget (clock health is judged
// against it). Read from a plant (planned here) or from a plan folder written by `taktctl plan`.
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "protocol/bridge_config.hpp"
#include "protocol/station_config.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

struct DesiredPlant {
  std::string source;  // file or folder it came from
  std::string plant;   // plant name
  Nanos hyperperiod{0};
  Nanos sync_budget{0};
  std::map<std::string, bridge::BridgeConfig> bridges;  // by bridge name
  // What takt-station runs on each end station that talks or listens, by end-station name.
  std::map<std::string, station::StationConfig> stations;
  // Each bridge's configuration as the IEEE YANG models say it (yang/<bridge>.json of `taktctl
  // plan`, RFC 7951): what a NETCONF bridge is given. By bridge name.
  std::map<std::string, nlohmann::ordered_json> yang;
};

// The plant or plan cannot be turned into configurations; the message lists every reason
// (diagnostics with file:line:col, planner issues naming stream and port).
class DesiredPlantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `path` is a plant YAML file (loaded, planned and verified here) or a plan folder: its
// plan.json with the bridge/<name>.json configurations `taktctl plan` wrote, or (when
// `plant_file` is given or the folder has no bridge/) with the plant it was planned from
// (`plant_file`, else plant.yaml in the folder), from which the configurations are cut.
DesiredPlant load_desired_plant(const std::string& path, const std::string& plant_file = "");

}  // namespace takt::southbound
