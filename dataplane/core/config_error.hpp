#pragma once
// Thrown when dataplane/core configuration is rejected at load time. Never thrown on the
// per-frame path: everything there was validated when the configuration was built.
#include <stdexcept>
#include <string>

namespace takt {

class ConfigError : public std::invalid_argument {
 public:
  explicit ConfigError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace takt
