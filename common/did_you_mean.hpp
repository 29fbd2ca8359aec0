#pragma once
// Suggestions for typos in keys, names and units: the plant loader and the quantity parser use it.
#include <string>
#include <vector>

namespace takt {

// The closest candidate to a misspelt word, or "" when nothing is close enough to be a typo.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace takt
