#pragma once
// The IP 5-tuple that IEEE 802.1CB IP stream identification matches on. IPv4 addresses are
// held IPv4-mapped (::ffff:a.b.c.d, RFC 4291) so one fixed-size key covers both versions.
#include <array>
#include <cstdint>

namespace takt {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  static constexpr IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.bytes[10] = 0xFF;
    ip.bytes[11] = 0xFF;
    ip.bytes[12] = a;
    ip.bytes[13] = b;
    ip.bytes[14] = c;
    ip.bytes[15] = d;
    return ip;
  }
  constexpr bool is_v4_mapped() const {
    for (std::size_t i = 0; i < 10; ++i)
      if (bytes[i] != 0) return false;
    return bytes[10] == 0xFF && bytes[11] == 0xFF;
  }
  friend constexpr bool operator==(const IpAddress&, const IpAddress&) = default;
};

inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;

struct FiveTuple {
  IpAddress source;
  IpAddress destination;
  std::uint8_t protocol = 0;  // IPv4 protocol / IPv6 next header of the transport
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  friend constexpr bool operator==(const FiveTuple&, const FiveTuple&) = default;
};

}  // namespace takt
