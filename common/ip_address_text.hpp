#pragma once
// IP addresses as text, the one place takt reads and writes them (plant YAML, takt-station/1).
// An address is 16 octets in network order with IPv4 held IPv4-mapped (::ffff:a.b.c.d, RFC
// 4291 2.5.5.2), the form dataplane/core's IpAddress and IEEE 802.1CB IP stream identification
// key on, so one value covers both versions and compares octet by octet.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace takt {

using IpOctets = std::array<std::uint8_t, 16>;

// "10.0.0.2" (dotted quad, four decimal parts, as inet_pton reads it) or IPv6 text
// ("fd00::2", "::ffff:10.0.0.2"); nullopt for anything else, including zone ids ("fe80::1%eth0"),
// prefixes and surrounding blanks.
std::optional<IpOctets> parse_ip_address(std::string_view text);

// IPv4-mapped addresses as a dotted quad, others in RFC 5952 form (inet_ntop): what
// parse_ip_address reads back to the same octets.
std::string ip_address_text(const IpOctets& octets);

// Whether the octets hold an IPv4 address (IPv4-mapped).
bool is_ipv4_mapped(const IpOctets& octets);

}  // namespace takt
