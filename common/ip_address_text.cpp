#include "common/ip_address_text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace takt {

std::optional<IpOctets> parse_ip_address(std::string_view text) {
  // inet_pton wants a NUL-terminated string; the longest IPv6 text is INET6_ADDRSTRLEN - 1.
  char buffer[INET6_ADDRSTRLEN] = {};
  if (text.empty() || text.size() >= sizeof buffer || text.find('\0') != std::string_view::npos) return std::nullopt;
  std::copy(text.begin(), text.end(), buffer);
  IpOctets out{};
  if (text.find(':') == std::string_view::npos) {
    std::uint8_t v4[4] = {};
    if (inet_pton(AF_INET, buffer, v4) != 1) return std::nullopt;
    out[10] = 0xFF;
    out[11] = 0xFF;
    std::memcpy(out.data() + 12, v4, sizeof v4);
    return out;
  }
  if (inet_pton(AF_INET6, buffer, out.data()) != 1) return std::nullopt;
  return out;
}

bool is_ipv4_mapped(const IpOctets& octets) {
  return std::all_of(octets.begin(), octets.begin() + 10, [](std::uint8_t o) { return o == 0; }) &&
         octets[10] == 0xFF && octets[11] == 0xFF;
}

std::string ip_address_text(const IpOctets& octets) {
  char buffer[INET6_ADDRSTRLEN] = {};
  const bool v4 = is_ipv4_mapped(octets);
  if (!inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? octets.data() + 12 : octets.data(), buffer, sizeof buffer)) return {};
  return buffer;
}

}  // namespace takt
