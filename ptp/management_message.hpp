#pragma once
// Encoding and decoding of IEEE 1588 MANAGEMENT messages as ptp4l exchanges them on its UNIX
// socket: a 48-byte header, then one MANAGEMENT (or MANAGEMENT_ERROR_STATUS) TLV. Pure
// functions over byte spans; see /work/shared/reference/ptp4l-management.md for every offset.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "ptp/byte_codec.hpp"
#include "ptp/clock_identity.hpp"
#include "ptp/management_id.hpp"

namespace takt::ptp {

enum class Action : std::uint8_t { get = 0, set = 1, response = 2, command = 3, acknowledge = 4 };
std::string action_name(Action action);  // "GET", "SET", ...

inline constexpr std::size_t kManagementHeaderSize = 48;  // common header + management fields
inline constexpr std::uint16_t kTlvManagement = 0x0001;
inline constexpr std::uint16_t kTlvManagementErrorStatus = 0x0002;

struct ManagementRequest {
  // Must equal ptp4l's transportSpecific (1 for gPTP/automotive configs): ptp4l silently
  // drops management messages whose transportSpecific differs.
  std::uint8_t transport_specific = 0;
  // Must equal ptp4l's domainNumber, for the same reason.
  std::uint8_t domain_number = 0;
  // Anything but ptp4l's own identity; ptp4l addresses its answer back to it.
  PortIdentity source;
  std::uint16_t sequence_id = 0;
  PortIdentity target = PortIdentity::wildcard();
  // 0 keeps the request on this ptp4l; more would make it forward the request out of its
  // network ports and remote clocks would answer too.
  std::uint8_t boundary_hops = 0;
  Action action = Action::get;
  ManagementId id = ManagementId::null_management;
  // dataField. Empty for GET; the data set for SET. Padded to an even length when encoded.
  Bytes data;
};

// The datagram to send. Throws std::invalid_argument for a transportSpecific above 15 or a
// dataField too long for one TLV.
Bytes encode_management_request(const ManagementRequest& request);

struct ManagementErrorStatus {
  ManagementErrorId error = ManagementErrorId::general_error;
  std::string display_data;  // optional PTPText; usually empty from ptp4l
};

struct ManagementMessage {
  std::uint8_t transport_specific = 0;
  std::uint8_t version_ptp = 0;  // low nibble of byte 1
  std::uint8_t domain_number = 0;
  PortIdentity source;  // ptp4l's clock identity; port 0 for clock-level data, N for port N
  std::uint16_t sequence_id = 0;
  PortIdentity target;  // the requester's sourcePortIdentity
  std::uint8_t starting_boundary_hops = 0;
  std::uint8_t boundary_hops = 0;
  Action action = Action::get;
  ManagementId id = ManagementId::null_management;  // also set for error status replies
  Bytes data;                                       // dataField of a MANAGEMENT TLV
  std::optional<ManagementErrorStatus> error;       // set for MANAGEMENT_ERROR_STATUS
};

// Parses one datagram. Throws MalformedMessage naming the field when it is not a well-formed
// management message (wrong type or version, messageLength not matching the datagram, TLV
// running past the end, unknown TLV type).
ManagementMessage decode_management_message(ByteSpan datagram);

}  // namespace takt::ptp
