#include "control/model/diagnostic.hpp"

#include <algorithm>

namespace takt::model {

std::string Diagnostic::str() const {
  std::string s = where.str() + (severity == Severity::error ? ": error: " : ": warning: ") + message;
  if (!hint.empty()) s += " (" + hint + ")";
  return s;
}

bool has_errors(const Diagnostics& ds) {
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::error; });
}

}  // namespace takt::model
