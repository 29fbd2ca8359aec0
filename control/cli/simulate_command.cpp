// taktctl simulate PLANDIR: runs the plan frame by frame through dataplane/core (the code the
// switch runs) and compares every stream's simulated latency with what the plan promises.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/cpu_time.hpp"
#include "control/cli/commands.hpp"
#include "control/cli/json_output.hpp"
#include "control/export/plan_manifest.hpp"
#include "control/model/loader.hpp"
#include "control/schedule/plan_json.hpp"
#include "control/simulate/pcap_writer.hpp"
#include "control/simulate/simulator.hpp"

namespace takt::cli {
namespace {

namespace fs = std::filesystem;

struct SimulateOptions {
  std::string dir;
  std::string plant;
  int hyperperiods = 10;
  std::uint64_t seed = 1;
  std::string runs = "both";
  std::vector<std::string> pcap;  // PORT FILE
  std::string format = "text";
};

std::string us(Nanos n) { return fmt::format("{:.3f}", static_cast<double>(n.count()) / 1000.0); }

// What went wrong for one listener, or "" when it met the plan.
std::string verdict(const simulate::ListenerResult& l) {
  if (l.lost > 0) return fmt::format("{} of {} frames lost", l.lost, l.lost + l.frames);
  if (l.planned_worst > Nanos{0} && l.max > l.planned_worst)
    return fmt::format("simulated max {} ns exceeds the planned worst case {} ns", l.max.count(),
                       l.planned_worst.count());
  return "";
}

int run(const SimulateOptions& o) {
  const fs::path dir(o.dir);
  const fs::path plan_file = dir / "plan.json";
  if (!fs::is_directory(dir) || !fs::exists(plan_file)) {
    std::cerr << fmt::format("{}: not a plan folder (no plan.json); make one with `taktctl plan PLANT.yaml -o {}`\n",
                             o.dir, o.dir);
    return 1;
  }
  schedule::Plan plan;
  try {
    (void)exporter::verify_plan_folder(dir);
    plan = schedule::read_plan_file(plan_file.string());
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::string plant_path = o.plant;
  if (plant_path.empty()) {
    if (!fs::exists(dir / "plant.yaml")) {
      std::cerr << fmt::format("{}: the plan needs the plant it was planned from; give it with --plant PLANT.yaml\n",
                               o.dir);
      return 2;
    }
    plant_path = (dir / "plant.yaml").string();
  }
  model::LoadResult loaded = model::load_plant_file(plant_path);
  if (!loaded.plant) {
    for (const auto& d : loaded.diagnostics) std::cerr << d.str() << "\n";
    std::cerr << fmt::format("{}: the plant is invalid; nothing was simulated\n", plant_path);
    return 1;
  }
  const model::Plant& plant = *loaded.plant;
  if (plan.plant != plant.name) {
    std::cerr << fmt::format("{} is a plan for plant \"{}\" but {} is plant \"{}\"\n", plan_file.string(), plan.plant,
                             plant_path, plant.name);
    return 1;
  }
  // The simulator sends real Ethernet frames through takt's gate engine; a plan in another
  // model would be judged against a problem it did not solve.
  if (plant.defaults.frame_model != model::FrameModel::ethernet) {
    std::cerr << fmt::format(
        "{}: frame-model {} plans are checked by their own model's simulator (for TSNKit's: python3 -m "
        "tsnkit.simulation.tas on tsnkit/stream.csv and tsnkit/takt); taktctl simulate sends Ethernet frames, so plan "
        "with --tsnkit-model ethernet or frame-model: ethernet to simulate here\n",
        plant_path, model::to_string(plant.defaults.frame_model));
    return 1;
  }

  simulate::Options options;
  options.hyperperiods = o.hyperperiods;
  options.seed = o.seed;
  if (o.runs == "aligned")
    options.runs = {simulate::Phasing::aligned};
  else if (o.runs == "random")
    options.runs = {simulate::Phasing::random};
  std::optional<simulate::PcapWriter> pcap;
  if (!o.pcap.empty()) {
    const std::string& port = o.pcap[0];
    const auto colon = port.find(':');
    const model::PortRef ref{port.substr(0, colon), colon == std::string::npos ? "" : port.substr(colon + 1)};
    if (colon == std::string::npos || !plant.link_at(ref)) {
      std::cerr << fmt::format("--pcap {}: not a linked port of plant {}; write it as NODE:PORT, e.g. a bridge port\n",
                               port, plant.name);
      return 2;
    }
    auto w = simulate::PcapWriter::open(o.pcap[1]);
    if (!w) {
      std::cerr << w.error().message << "; " << w.error().hint << "\n";
      return 1;
    }
    pcap.emplace(std::move(*w));
    options.capture_port = ref;
  }
  std::string capture_error;
  if (pcap)
    options.on_capture = [&](std::int64_t start_ns, std::span<const std::byte> frame) {
      if (!capture_error.empty()) return;
      if (const Status s = pcap->write(start_ns, frame); !s) capture_error = s.error().message;
    };

  const double cpu_before = process_cpu_seconds();
  simulate::SimulationResult result;
  try {
    result = simulate::run(plan, plant, options);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("{}: cannot simulate: {}\n", o.dir, e.what());
    return 1;
  }
  const double cpu = process_cpu_seconds() - cpu_before;
  if (pcap) {
    if (const Status s = pcap->close(); !s && capture_error.empty()) capture_error = s.error().message;
    if (!capture_error.empty()) {
      std::cerr << capture_error << "\n";
      return 1;
    }
  }

  std::vector<std::string> problems;
  for (const auto& l : result.listeners)
    if (const std::string v = verdict(l); !v.empty())
      problems.push_back(fmt::format("stream {}, listener {}: {}", l.stream, l.listener, v));

  if (o.format == "json") {
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& l : result.listeners)
      streams.push_back({{"name", l.stream},
                         {"listener", l.listener},
                         {"traffic-class", schedule::traffic_class_kind_name(l.kind)},
                         {"frames", l.frames},
                         {"lost", l.lost},
                         {"min-ns", l.min.count()},
                         {"p50-ns", l.p50.count()},
                         {"p99-ns", l.p99.count()},
                         {"max-ns", l.max.count()},
                         {"jitter-ns", l.jitter().count()},
                         {"bound-ns", l.planned_worst.count()}});
    std::cout << json_text(nlohmann::json{
        {"plant", plant.name}, {"streams", streams}, {"frame-hops", result.frame_hops}, {"problems", problems}});
  } else {
    std::cout << fmt::format("simulate: plant '{}', {} hyperperiods x {} run(s), seed {}\n", plant.name, o.hyperperiods,
                             options.runs.size(), o.seed);
    std::cout << fmt::format("{:<28} {:<16} {:<11} {:>7} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>6}\n",
                             "stream", "listener", "class", "frames", "lost", "min us", "p50 us", "p99 us", "max us",
                             "jitter us", "planned us", "max/pl");
    for (const auto& l : result.listeners) {
      const std::string ratio =
          l.planned_worst > Nanos{0}
              ? fmt::format("{:.2f}", static_cast<double>(l.max.count()) / static_cast<double>(l.planned_worst.count()))
              : std::string("-");
      std::cout << fmt::format("{:<28} {:<16} {:<11} {:>7} {:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>6}\n",
                               l.stream, l.listener, schedule::traffic_class_kind_name(l.kind), l.frames, l.lost,
                               us(l.min), us(l.p50), us(l.p99), us(l.max), us(l.jitter()),
                               l.planned_worst > Nanos{0} ? us(l.planned_worst) : std::string("-"), ratio);
    }
    std::cout << fmt::format("{} frame-hops in {:.3f} s CPU ({:.2f} million per second)\n", result.frame_hops, cpu,
                             cpu > 0 ? static_cast<double>(result.frame_hops) / cpu / 1e6 : 0.0);
    for (const auto& p : problems) std::cerr << p << "\n";
  }
  return problems.empty() ? 0 : 1;
}

}  // namespace

void add_simulate_command(CLI::App& app, ExitCode& exit_code) {
  auto opts = std::make_shared<SimulateOptions>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Simulate a plan frame by frame through the switch's own queues and gates. Exit 0 every stream within its "
      "plan, 1 a frame lost or a latency over its planned worst case (named), 2 usage");
  cmd->add_option("plandir", opts->dir, "A plan folder from `taktctl plan -o`")->required();
  cmd->add_option("--plant", opts->plant, "The plant the folder was planned from (default: plant.yaml in it)");
  cmd->add_option("--hyperperiods", opts->hyperperiods, "Hyperperiods per run")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed for clock errors, processing delays and phases")->capture_default_str();
  cmd->add_option("--runs", opts->runs,
                  "aligned: bounded and best-effort talkers burst together; random: at random phases; both")
      ->check(CLI::IsMember({"aligned", "random", "both"}))
      ->capture_default_str();
  cmd->add_option("--pcap", opts->pcap, "NODE:PORT FILE: the frames sent at that port in the first run, as pcap")
      ->expected(2);
  cmd->add_option("--format", opts->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code.value = run(*opts); });
}

}  // namespace takt::cli
