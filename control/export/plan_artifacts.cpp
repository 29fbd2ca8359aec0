#include "control/export/plan_artifacts.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "control/export/artifact_path.hpp"
#include "control/export/bridge_config.hpp"
#include "control/export/svg_timeline.hpp"
#include "control/export/talker_offsets.hpp"
#include "control/export/taprio.hpp"
#include "control/export/tsnkit.hpp"
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
    done(rel);
  }

  void done(const std::string& rel) {
    // Two names that reach one file would leave one plan's artifact in place of another's.
    for (const auto& f : files_)
      if (f.path == rel) throw std::runtime_error(fmt::format("refusing to write {} twice in one plan", rel));
    files_.push_back({rel, fs::file_size(inside_output(root_, rel))});
  }
  std::vector<ArtifactFile> files() const { return files_; }

 private:
  fs::path root_;
  std::vector<ArtifactFile> files_;
};

}  // namespace

std::vector<ArtifactFile> write_plan_artifacts(const std::string& dir, const schedule::Plan& plan,
                                               const model::Plant& plant, const ReportExtras& extras) {
  const fs::path root(dir);
  fs::create_directories(root);
  for (const char* old : {"yang", "bridge", "taprio", "talkers", "tsnkit", "timeline.svg", "report.txt"})
    fs::remove_all(root / old);

  Writer w(root);
  schedule::write_plan_file(plan, (root / "plan.json").string());
  w.done("plan.json");
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
  const TsnkitInstance t = to_tsnkit(plant);
  w.text("tsnkit/stream.csv", t.stream_csv);
  w.text("tsnkit/topology.csv", t.topology_csv);
  w.text("tsnkit/nodes.csv", t.nodes_csv);
  w.text("tsnkit/streams.csv", t.streams_csv);
  return w.files();
}

}  // namespace takt::exporter
