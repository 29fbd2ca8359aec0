#pragma once
#include <vector>

#include "control/model/plant.hpp"

namespace takt::model {

// Hardware profiles every plant can name without declaring them. Figures from vendor
// documentation and Linux drivers (../shared/reference/factory-facts.md).
const std::vector<Profile>& builtin_profiles();

}  // namespace takt::model
