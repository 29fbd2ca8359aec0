#pragma once
// Everything `taktctl plan -o DIR` writes, in one place:
//   plan.json                 the plan (takt-plan/1)
//   report.txt                plan_report()
//   timeline.svg              one gate cycle per scheduled port
//   yang/<bridge>.json        ieee802-dot1q-sched-bridge configuration per bridge
//   taprio/<node>.sh          tc taprio commands per node with scheduled ports
//   talkers/<station>.json    talker offsets per end station that talks (and .txt)
//   stations/<station>.json   takt-station/1 per end station that talks or listens
//   tsnkit/stream.csv, tsnkit/topology.csv, tsnkit/nodes.csv, tsnkit/streams.csv
//   tsnkit/takt-{GCL,OFFSET,ROUTE,QUEUE,DELAY}.csv   the schedule as TSNKit's schedulers write it
//   plant.yaml                the plant, when it was converted here (taktctl plan --tsnkit)
// plan.json is written last and records every other file with its size and SHA-256
// (plan_manifest.hpp). DIR is a fresh folder: PlanFolder (plan_folder.hpp) stages it and puts it
// in place of the previous plan.
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

// A file written as given, e.g. the converted plant.
struct ExtraFile {
  std::string path;  // relative to the output folder
  std::string content;
};

// Writes every artifact into `dir` (which should be empty) and plan.json last. Throws
// std::runtime_error (with the path) when a file cannot be written or two names reach one file.
// Returns every file written, plan.json first.
std::vector<ArtifactFile> write_plan_artifacts(const std::string& dir, const schedule::Plan& plan,
                                               const model::Plant& plant, const ReportExtras& extras = {},
                                               const std::vector<ExtraFile>& extra_files = {});

}  // namespace takt::exporter
