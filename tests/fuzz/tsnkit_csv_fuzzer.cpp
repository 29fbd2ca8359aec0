// libFuzzer entry for `taktctl plan --tsnkit`: a TSNKit instance (stream CSV and topology CSV,
// files from another tool) through from_tsnkit, which writes a plant and loads it. Any text
// must end in CSV errors or a load result, never in a crash or undefined behaviour, in either
// frame model (TSNKit's wire bytes, takt's Ethernet).
//
// Input: the stream CSV, a NUL byte, the topology CSV (CSV text has no NUL; without one the
// topology is empty).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "control/export/tsnkit.hpp"
#include "control/model/diagnostic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  const std::string stream_csv(input.substr(0, nul));
  const std::string topology_csv(nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1));
  for (const auto model : {takt::model::FrameModel::wire_bytes, takt::model::FrameModel::ethernet}) {
    const auto imported =
        takt::exporter::from_tsnkit(stream_csv, topology_csv, "fuzz", "stream.csv", "topology.csv", model);
    // Nothing is loaded when the CSV has errors; a loaded plant comes exactly without errors.
    if (!imported.errors.empty() && imported.result.plant.has_value()) __builtin_trap();
    if (imported.result.plant.has_value() == takt::model::has_errors(imported.result.diagnostics) &&
        !imported.plant_yaml.empty())
      __builtin_trap();
    // The plant says the model it was imported in.
    if (imported.result.plant && imported.result.plant->defaults.frame_model != model) __builtin_trap();
  }
  return 0;
}
