// libFuzzer entry: any bytes through the plant loader must end in diagnostics, never in a
// crash, a hang or undefined behaviour. Run with scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "control/model/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto result = takt::model::load_plant_text(text, "fuzz.yaml");
  // A plant is returned exactly when there is no error.
  if (result.plant.has_value() == takt::model::has_errors(result.diagnostics)) __builtin_trap();
  return 0;
}
