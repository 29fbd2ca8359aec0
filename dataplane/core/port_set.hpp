#pragma once
// A set of bridge ports as a 64-bit mask: egress decisions for multicast and flooding are one
// word, copied by value on the per-frame path.
#include <bit>
#include <cstdint>

namespace takt {

using PortId = std::uint16_t;
inline constexpr PortId kMaxPorts = 64;

class PortSet {
 public:
  constexpr PortSet() = default;
  constexpr explicit PortSet(std::uint64_t bits) : bits_(bits) {}
  static constexpr PortSet all(PortId port_count) {
    return PortSet(port_count >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << port_count) - 1));
  }
  static constexpr PortSet of(PortId port) { return PortSet(std::uint64_t{1} << port); }

  constexpr bool contains(PortId p) const { return p < kMaxPorts && ((bits_ >> p) & 1U) != 0; }
  constexpr void add(PortId p) { bits_ |= std::uint64_t{1} << p; }
  constexpr void remove(PortId p) {
    if (p < kMaxPorts) bits_ &= ~(std::uint64_t{1} << p);
  }
  constexpr PortSet without(PortId p) const {
    PortSet s = *this;
    s.remove(p);
    return s;
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr int size() const { return std::popcount(bits_); }
  constexpr std::uint64_t bits() const { return bits_; }

  // Visits members in ascending port order.
  template <class Fn>
  constexpr void for_each(Fn&& fn) const {
    for (std::uint64_t b = bits_; b != 0; b &= b - 1) fn(static_cast<PortId>(std::countr_zero(b)));
  }

  friend constexpr bool operator==(PortSet, PortSet) = default;

 private:
  std::uint64_t bits_ = 0;
};

}  // namespace takt
