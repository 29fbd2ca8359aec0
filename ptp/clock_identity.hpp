#pragma once
// IEEE 1588 clockIdentity and portIdentity, printed the way ptp4l and pmc print them
// (xxxxxx.xxxx.xxxxxx, and "-N" for the port number) so logs and our output can be compared.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace takt::ptp {

struct ClockIdentity {
  std::array<std::uint8_t, 8> octets{};

  static constexpr ClockIdentity wildcard() { return ClockIdentity{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  auto operator<=>(const ClockIdentity&) const = default;
};

struct PortIdentity {
  ClockIdentity clock;
  std::uint16_t port_number = 0;

  // Every clock, every port: what a management client addresses when it does not know the
  // clock identity of the ptp4l behind the socket.
  static constexpr PortIdentity wildcard() { return PortIdentity{ClockIdentity::wildcard(), 0xffff}; }
  auto operator<=>(const PortIdentity&) const = default;
};

// "0eeb4d.fffe.f4fac8"
std::string to_string(const ClockIdentity& id);
// "0eeb4d.fffe.f4fac8-1"
std::string to_string(const PortIdentity& id);
// Accepts the dotted form above (and plain 16 hex digits); nullopt if it is neither.
std::optional<ClockIdentity> parse_clock_identity(std::string_view text);

}  // namespace takt::ptp
