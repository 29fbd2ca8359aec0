#pragma once
// Builds raw Ethernet frames byte by byte for parser and classification tests.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "dataplane/core/mac_address.hpp"

namespace takt::test {

class FrameBuilder {
 public:
  FrameBuilder& mac(const MacAddress& m) {
    for (auto o : m.octets) bytes_.push_back(o);
    return *this;
  }
  FrameBuilder& u8(std::uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  FrameBuilder& u16(std::uint16_t v) {
    bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(v & 0xFF));
    return *this;
  }
  FrameBuilder& raw(std::initializer_list<std::uint8_t> v) {
    bytes_.insert(bytes_.end(), v.begin(), v.end());
    return *this;
  }
  FrameBuilder& zeros(std::size_t n) {
    bytes_.insert(bytes_.end(), n, 0);
    return *this;
  }
  FrameBuilder& vlan(std::uint16_t tpid, std::uint8_t pcp, bool dei, std::uint16_t vid) {
    return u16(tpid).u16(static_cast<std::uint16_t>((pcp << 13) | (dei ? 0x1000 : 0) | vid));
  }
  // IPv4 header (no options) + UDP header + `payload` zero bytes.
  FrameBuilder& ipv4_udp(std::initializer_list<std::uint8_t> src, std::initializer_list<std::uint8_t> dst,
                         std::uint16_t sport, std::uint16_t dport, std::uint16_t payload = 0,
                         std::uint16_t fragment_field = 0) {
    u8(0x45).u8(0).u16(static_cast<std::uint16_t>(20 + 8 + payload)).u16(0).u16(fragment_field);
    u8(64).u8(17).u16(0).raw(src).raw(dst);
    u16(sport).u16(dport).u16(static_cast<std::uint16_t>(8 + payload)).u16(0);
    return zeros(payload);
  }
  std::vector<std::uint8_t>& bytes() { return bytes_; }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<std::uint8_t> bytes_;
};

inline MacAddress mac(std::uint64_t v) { return MacAddress::from_u64(v); }

}  // namespace takt::test
