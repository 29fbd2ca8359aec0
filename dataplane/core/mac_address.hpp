#pragma once
// An IEEE 802 MAC address as six octets in transmission order, plus the packed 48-bit form
// that hash tables key on.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace takt {

struct MacAddress {
  std::array<std::uint8_t, 6> octets{};

  // The I/G bit (least significant bit of the first octet) marks group addresses: multicast
  // and broadcast are never learned and never appear as a source.
  constexpr bool is_group() const { return (octets[0] & 0x01U) != 0; }
  constexpr bool is_broadcast() const {
    for (auto o : octets)
      if (o != 0xFF) return false;
    return true;
  }
  // 01-80-C2-00-00-00 to -0F, IEEE 802.1Q Table 8-1: link-local protocols (spanning tree, MAC
  // control/pause, LACP, LLDP, PTP peer delay, ...). A bridge never relays frames sent to them.
  constexpr bool is_reserved_link_local() const { return (to_u64() & ~std::uint64_t{0x0F}) == 0x0180'C200'0000ULL; }
  constexpr std::uint64_t to_u64() const {
    std::uint64_t v = 0;
    for (auto o : octets) v = (v << 8) | o;
    return v;
  }
  static constexpr MacAddress from_u64(std::uint64_t v) {
    MacAddress m;
    for (int i = 5; i >= 0; --i) {
      m.octets[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xFF);
      v >>= 8;
    }
    return m;
  }

  // Parses "01:80:c2:00:00:0e" (also '-' separated), the way plants and YANG write it.
  static std::optional<MacAddress> parse(std::string_view text);
  std::string to_string() const;

  friend constexpr bool operator==(const MacAddress&, const MacAddress&) = default;
};

inline constexpr MacAddress kBroadcastMac = MacAddress::from_u64(0xFFFF'FFFF'FFFFULL);

}  // namespace takt
