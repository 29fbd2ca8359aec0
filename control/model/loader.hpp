#pragma once
// Plant YAML -> typed, validated Plant. Nothing downstream runs on an invalid plant.
#include <optional>
#include <string>

#include "control/model/diagnostic.hpp"
#include "control/model/plant.hpp"

namespace takt::model {

struct LoadResult {
  std::optional<Plant> plant;  // set only when there is no error
  Diagnostics diagnostics;     // every problem found, in file order
};

// Reads and validates a plant file. Never throws on bad input.
LoadResult load_plant_file(const std::string& path);
// Same, from text already in memory; `file` names it in diagnostics.
LoadResult load_plant_text(const std::string& text, const std::string& file);

}  // namespace takt::model
