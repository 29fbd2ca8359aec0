#pragma once
// The shape a plant file must have before it is read: one YAML document, nested no deeper than
// a plant ever needs. Checked on the parser's events, so the check stops a hostile file at the
// first level too deep, long before yaml-cpp's own recursion (bounded only at 2000 levels in
// 0.7, and reported there as "bad file") or anything that walks the tree.
#include <optional>
#include <string>

#include "control/model/diagnostic.hpp"

namespace takt::model {

// A plant nests sections, names, keys and a list or two: about 5 levels. 64 leaves room for any
// hand-written layout and is the limit the agent's JSON bodies have too.
inline constexpr int kMaxYamlDepth = 64;

// The first problem with the shape of `text` (nesting deeper than max_depth at its file:line:col,
// a second document at its start), or nothing. Syntax errors are left to the loader.
std::optional<Diagnostic> check_yaml_shape(const std::string& text, const std::string& file,
                                           int max_depth = kMaxYamlDepth);

}  // namespace takt::model
