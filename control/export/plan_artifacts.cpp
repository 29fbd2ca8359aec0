#include "control/export/plan_artifacts.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "control/export/artifact_path.hpp"
#include "control/export/bridge_config.hpp"
#include "control/export/plan_manifest.hpp"
#include "control/export/sha256.hpp"
#include "control/export/station_config.hpp"
#include "control/export/svg_timeline.hpp"
#include "control/export/talker_offsets.hpp"
#include "control/export/taprio.hpp"
#include "control/export/tsnkit.hpp"
#include "control/export/tsnkit_schedule.hpp"
#include "control/export/yang_sched_bridge.hpp"
#include "control/schedule/plan_json.hpp"
#include "protocol/bridge_config_json.hpp"

namespace takt::exporter {
namespace fs = std::filesystem;

namespace {

class Writer {
 public:
  explicit Writer(fs::path root) : root_(std::move(root)) {}

  void text(const std::string& rel, const std::string& content, bool executable = false) {
    const fs::path p = inside_output(root_, rel);
    fs::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << content;
    f.close();
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", p.string()));
    if (executable)
      fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
    // Two names that reach one file would leave one plan's artifact in place of another's.
    for (const auto& e : entries_)
      if (e.path == rel) throw std::runtime_error(fmt::format("refusing to write {} twice in one plan", rel));
    entries_.push_back({rel, content.size(), sha256_hex(content)});
  }

  // plan.json, last: the plan and the record of every file above.
  std::vector<ArtifactFile> finish(const schedule::Plan& plan) {
    nlohmann::json j = schedule::to_json(plan);
    j["artifacts"] = manifest_json(entries_);
    const std::string content = j.dump(2) + "\n";
    const fs::path p = root_ / "plan.json";
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << content;
    f.close();
    if (!f) throw std::runtime_error(fmt::format("cannot write {}", p.string()));
    std::vector<ArtifactFile> files{{"plan.json", content.size()}};
    for (const auto& e : entries_) files.push_back({e.path, e.bytes});
    return files;
  }

 private:
  fs::path root_;
  std::vector<ManifestEntry> entries_;
};

}  // namespace

std::vector<ArtifactFile> write_plan_artifacts(const std::string& dir, const schedule::Plan& plan,
                                               const model::Plant& plant, const ReportExtras& extras,
                                               const std::vector<ExtraFile>& extra_files) {
  const fs::path root(dir);
  fs::create_directories(root);

  Writer w(root);
  for (const auto& f : extra_files) w.text(f.path, f.content);
  w.text("report.txt", plan_report(plan, plant, extras));
  w.text("timeline.svg", svg_timeline(plan));

  for (const auto& n : plant.nodes) {
    if (n.kind == model::NodeKind::bridge) {
      w.text(artifact_path("yang", n.name, ".json"), sched_bridge_config(plan, plant, n.name).dump(2) + "\n");
      // What takt-dataplane --config reads (and the agent accepts); base time 0 = next cycle boundary.
      w.text(artifact_path("bridge", n.name, ".json"),
             bridge::to_json(bridge_config(plan, plant, n.name)).dump(2) + "\n");
    }
    if (auto script = taprio_script(plan, plant, n.name); !script.empty())
      w.text(artifact_path("taprio", n.name, ".sh"), script, true);
  }
  for (const auto& station : talkers(plan)) {
    w.text(artifact_path("talkers", station, ".json"), talker_offsets_json(plan, station).dump(2) + "\n");
    w.text(artifact_path("talkers", station, ".txt"), talker_offsets_text(plan, station));
  }
  // What takt-station reads on each end station that talks or listens.
  for (const auto& name : stations_with_streams(plan, plant))
    w.text(artifact_path("stations", name, ".json"),
           station::to_json(station_config(plan, plant, name)).dump(2) + "\n");
  const TsnkitInstance t = to_tsnkit(plant);
  w.text("tsnkit/stream.csv", t.stream_csv);
  w.text("tsnkit/topology.csv", t.topology_csv);
  w.text("tsnkit/nodes.csv", t.nodes_csv);
  w.text("tsnkit/streams.csv", t.streams_csv);
  // The schedule as TSNKit's schedulers write theirs, for its simulator to check.
  const TsnkitSchedule ts = to_tsnkit_schedule(plan, plant, tsnkit_numbering(plant));
  const std::string prefix = fmt::format("tsnkit/{}", kTsnkitSchedulePrefix);
  w.text(prefix + "-GCL.csv", ts.gcl_csv);
  w.text(prefix + "-OFFSET.csv", ts.offset_csv);
  w.text(prefix + "-ROUTE.csv", ts.route_csv);
  w.text(prefix + "-QUEUE.csv", ts.queue_csv);
  w.text(prefix + "-DELAY.csv", ts.delay_csv);
  return w.finish(plan);
}

}  // namespace takt::exporter
