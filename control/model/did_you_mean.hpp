#pragma once
#include <string>
#include <vector>

namespace takt::model {

// The closest candidate to a misspelt word, or "" when nothing is close enough to be a typo.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace takt::model
