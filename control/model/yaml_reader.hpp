#pragma once
// Reading YAML nodes into typed values while collecting every problem with its file:line:col.
// A reader never throws on bad input: a bad value becomes a diagnostic and std::nullopt.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/model/diagnostic.hpp"
#include "dataplane/core/time.hpp"

namespace takt::model {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  SourceLocation where(const YAML::Node& n) const;
  SourceLocation where(const YAML::Mark& m) const;
  void error(const SourceLocation& at, std::string message, std::string hint = "");
  void error(const YAML::Node& at, std::string message, std::string hint = "") {
    error(where(at), std::move(message), std::move(hint));
  }
  void warning(const YAML::Node& at, std::string message, std::string hint = "");

  // The (key, value) pairs of a mapping, in file order. Reports keys not in `allowed` (with a
  // did-you-mean) and keys given twice. `what` names the mapping in messages ("stream axis-x").
  std::vector<std::pair<YAML::Node, YAML::Node>> entries(const YAML::Node& map, const std::string& what,
                                                         const std::vector<std::string>& allowed);
  // Like entries() for a mapping whose keys are user-chosen names (streams, bridges, ...).
  std::vector<std::pair<YAML::Node, YAML::Node>> named_entries(const YAML::Node& map, const std::string& what);

  bool is_map(const YAML::Node& n, const std::string& what);
  std::optional<std::string> text(const YAML::Node& n, const std::string& what);
  std::optional<std::int64_t> integer(const YAML::Node& n, const std::string& what, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& what);
  std::optional<Nanos> duration(const YAML::Node& n, const std::string& what, bool allow_zero);
  std::optional<std::int64_t> size_bytes(const YAML::Node& n, const std::string& what);
  std::optional<std::int64_t> rate_bps(const YAML::Node& n, const std::string& what);
  std::optional<std::int64_t> length_mm(const YAML::Node& n, const std::string& what);
  // A list of names, also accepting a single name.
  std::vector<std::pair<std::string, YAML::Node>> names(const YAML::Node& n, const std::string& what);

  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() { return diagnostics_; }

 private:
  std::optional<std::string> scalar(const YAML::Node& n, const std::string& what, const char* expected);

  std::string file_;
  Diagnostics diagnostics_;
};

}  // namespace takt::model
