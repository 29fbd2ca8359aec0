#pragma once
// A problem found in a plant, located precisely enough for a person to fix it.
#include <string>
#include <vector>

#include "control/model/source_location.hpp"

namespace takt::model {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation where;
  std::string message;  // what is wrong
  std::string hint;     // what would be right (may be empty)

  // "file:line:col: error: message (hint)", the format compilers use so editors can jump to it.
  std::string str() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& ds);

}  // namespace takt::model
