#pragma once
// Everything `taktctl plan -o DIR` writes, in one place:
//   plan.json                 the plan (takt-plan/1)
//   report.txt                plan_report()
//   timeline.svg              one gate cycle per scheduled port
//   yang/<bridge>.json        ieee802-dot1q-sched-bridge configuration per bridge
//   taprio/<node>.sh          tc taprio commands per node with scheduled ports
//   talkers/<station>.json    talker offsets per end station that talks (and .txt)
//   tsnkit/stream.csv, tsnkit/topology.csv, tsnkit/nodes.csv, tsnkit/streams.csv
// Files and folders of an earlier plan in DIR under these names are replaced, so DIR never mixes
// two plans; nothing else in DIR is touched.
#include <cstdint>
#include <string>
#include <vector>

#include "control/export/plan_report.hpp"
#include "control/model/plant.hpp"
#include "control/schedule/plan.hpp"

namespace takt::exporter {

struct ArtifactFile {
  std::string path;  // relative to the output folder
  std::uintmax_t bytes = 0;
};

// Throws std::runtime_error (with the path) when a file cannot be written.
std::vector<ArtifactFile> write_plan_artifacts(const std::string& dir, const schedule::Plan& plan,
                                               const model::Plant& plant, const ReportExtras& extras = {});

}  // namespace takt::exporter
