#pragma once
// Priority (PCP) -> traffic class map of a bridge port with 8 traffic classes.
#include <array>
#include <cstdint>
#include <string>

#include "dataplane/core/config_error.hpp"

namespace takt {

inline constexpr int kTrafficClasses = 8;

class PcpToTrafficClass {
 public:
  // IEEE 802.1Q Table 8-5 recommended mapping for 8 traffic classes: priority 0 (best effort)
  // sits above priority 1 (background), everything else maps to its own number.
  static constexpr std::array<std::uint8_t, 8> kIeeeDefault{1, 0, 2, 3, 4, 5, 6, 7};

  constexpr PcpToTrafficClass() : map_(kIeeeDefault) {}
  explicit PcpToTrafficClass(const std::array<std::uint8_t, 8>& map) : map_(map) {
    for (std::size_t pcp = 0; pcp < 8; ++pcp)
      if (map[pcp] >= kTrafficClasses)
        throw ConfigError("priority " + std::to_string(pcp) + " maps to traffic class " + std::to_string(map[pcp]) +
                          "; a port has traffic classes 0..7");
  }

  constexpr std::uint8_t traffic_class(std::uint8_t pcp) const { return map_[pcp & 7U]; }
  constexpr const std::array<std::uint8_t, 8>& table() const { return map_; }

 private:
  std::array<std::uint8_t, 8> map_;
};

}  // namespace takt
