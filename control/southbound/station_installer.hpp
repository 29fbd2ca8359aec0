#pragma once
// Installing the plan on end stations that run takt-station with its API (agents.yaml
// "stations"): what `taktctl apply` does beside the bridges' two-phase install.
//
// Stations are checked before any bridge is touched (reachable, serving /api/v1/station), so an
// unreachable station refuses the whole apply. Their configurations go in after the bridges
// committed: takt-station swaps its maps in place at once (its programs only tag, police and
// measure; nothing in them waits for a base time), and a station that refuses is reported by
// name and reason while the bridges keep the new schedule.
#include <chrono>
#include <string>
#include <vector>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/desired_plant.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

struct StationOutcome {
  std::string station;
  bool installed = false;
  std::string detail;  // "2 talked, 1 listened" or the peer and reason
};

struct StationInstallReport {
  std::vector<StationOutcome> outcomes;  // one per station endpoint the plan has a configuration for
  std::vector<std::string> unmanaged;    // plan stations without an endpoint: not installed here
  std::vector<std::string> not_in_plan;  // endpoints whose station has no streams in this plan
  Nanos time{0};
  bool all_installed() const;
};

// Every endpoint whose station the plan has, read (GET /api/v1/station); one line per failure,
// naming the peer and the reason. Empty: all reachable.
std::vector<std::string> check_stations(const DesiredPlant& desired, const std::vector<AgentEndpoint>& stations);

// PUT /api/v1/station with each station's configuration, all at once.
StationInstallReport install_stations(const DesiredPlant& desired, const std::vector<AgentEndpoint>& stations);

}  // namespace takt::southbound
