#pragma once
// Forwards to common/duration_text.hpp's readable_duration until the verifier, its last user,
// has moved to control/verify/.
#include <string>

#include "common/duration_text.hpp"
#include "dataplane/core/time.hpp"

namespace takt::schedule {

inline std::string human(Nanos d) { return readable_duration(d); }

}  // namespace takt::schedule
