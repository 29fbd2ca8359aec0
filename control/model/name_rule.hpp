#pragma once
// The one rule for every name a plant declares (bridges, end stations, ports, streams,
// profiles). Names become file names (yang/<bridge>.json, talkers/<station>.json), shell words
// (taprio scripts) and "node:port" references, so only a small, inert alphabet is allowed:
// nothing that separates paths, starts a hidden or relative file, or means something to a shell.
#include <cstddef>
#include <string_view>

namespace takt::model {

// Long enough for any real device or stream name, short enough for a Linux interface-like label
// and a file name well below NAME_MAX once an extension is added.
inline constexpr std::size_t max_name_length = 64;

// Letters, digits, '-', '_' or '.', not starting with '.', 1..max_name_length bytes.
bool is_allowed_name(std::string_view name);

// The rule in words, for error messages: "names are 1-64 letters, digits, ...".
std::string_view name_rule_text();

}  // namespace takt::model
