#include "common/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace takt {
namespace {

// Damerau-Levenshtein (optimal string alignment) distance, case-insensitive: a swapped pair of
// letters is one typo, as people make them.
std::size_t distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 64) return "";
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t dist = distance(word, c);
    if (best.empty() || dist < best_distance) {
      best = c;
      best_distance = dist;
    }
  }
  // Allow about one typo per three letters; beyond that a suggestion is noise. A candidate that
  // has to be rewritten whole is no typo at all, however short: "h" is not a misspelt "s".
  const std::size_t longest = std::max(word.size(), best.size());
  const std::size_t allowed = std::max<std::size_t>(1, longest / 3);
  return (!best.empty() && best_distance <= allowed && best_distance < longest) ? best : "";
}

}  // namespace takt
