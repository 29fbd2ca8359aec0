#pragma once
// Which queue (traffic class) a priority lands in, per IEEE 802.1Q-2018 Table 8-5
// (recommended priority to traffic class mappings) for a port with `queues` classes.
#include <algorithm>
#include <array>

namespace takt::schedule {

inline std::array<int, 8> priority_to_traffic_class(int queues) {
  // Rows: number of traffic classes 1..8; columns: priority 0..7.
  static constexpr int table[8][8] = {
      {0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 1, 1, 2, 2}, {0, 0, 1, 1, 2, 2, 3, 3},
      {0, 0, 1, 1, 2, 2, 3, 4}, {1, 0, 2, 2, 3, 3, 4, 5}, {1, 0, 2, 3, 4, 4, 5, 6}, {1, 0, 2, 3, 4, 5, 6, 7},
  };
  const int row = std::clamp(queues, 1, 8) - 1;
  std::array<int, 8> m{};
  for (int p = 0; p < 8; ++p) m[static_cast<std::size_t>(p)] = table[row][p];
  return m;
}

}  // namespace takt::schedule
