#include "ptp/clock_identity.hpp"

#include <fmt/format.h>

namespace takt::ptp {

std::string to_string(const ClockIdentity& id) {
  const auto& o = id.octets;
  return fmt::format("{:02x}{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}{:02x}", o[0], o[1], o[2], o[3], o[4], o[5], o[6],
                     o[7]);
}

std::string to_string(const PortIdentity& id) { return fmt::format("{}-{}", to_string(id.clock), id.port_number); }

std::optional<ClockIdentity> parse_clock_identity(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c != '.') hex.push_back(c);
  }
  const bool dotted = text.size() == 18 && text[6] == '.' && text[11] == '.';
  if (hex.size() != 16 || (text.size() != 16 && !dotted)) return std::nullopt;
  ClockIdentity id;
  for (std::size_t i = 0; i < 8; ++i) {
    unsigned value = 0;
    for (std::size_t j = 0; j < 2; ++j) {
      const char c = hex[2 * i + j];
      unsigned nibble = 0;
      if (c >= '0' && c <= '9') {
        nibble = static_cast<unsigned>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        nibble = static_cast<unsigned>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        nibble = static_cast<unsigned>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
      value = value * 16 + nibble;
    }
    id.octets[i] = static_cast<std::uint8_t>(value);
  }
  return id;
}

}  // namespace takt::ptp
