#include "ptp/management_message.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace takt::ptp {
namespace {

constexpr std::uint8_t kMessageTypeManagement = 0x0D;
constexpr std::uint8_t kVersionPtp = 2;
constexpr std::uint8_t kControlFieldManagement = 0x04;
constexpr std::uint8_t kLogMessageIntervalUnused = 0x7F;
constexpr std::size_t kTlvHeaderSize = 4;
constexpr std::size_t kErrorStatusFixedSize = 8;  // errorId, managementId, 4 reserved

void write_port_identity(BigEndianWriter& w, const PortIdentity& id) {
  w.bytes(id.clock.octets);
  w.u16(id.port_number);
}

PortIdentity read_port_identity(const BigEndianReader& r, std::size_t offset, std::string_view field) {
  return PortIdentity{ClockIdentity{r.array<8>(offset, field)}, r.u16(offset + 8, field)};
}

}  // namespace

std::string action_name(Action action) {
  switch (action) {
    case Action::get:
      return "GET";
    case Action::set:
      return "SET";
    case Action::response:
      return "RESPONSE";
    case Action::command:
      return "COMMAND";
    case Action::acknowledge:
      return "ACKNOWLEDGE";
  }
  return fmt::format("ACTION({})", static_cast<unsigned>(action));
}

Bytes encode_management_request(const ManagementRequest& request) {
  if (request.transport_specific > 0x0F) {
    throw std::invalid_argument(
        fmt::format("transportSpecific is a 4-bit field; {} does not fit", request.transport_specific));
  }
  const std::size_t padded_data = request.data.size() + (request.data.size() % 2);
  const std::size_t total = kManagementHeaderSize + kTlvHeaderSize + 2 + padded_data;
  if (total > 0xFFFF) {
    throw std::invalid_argument(
        fmt::format("management dataField of {} bytes does not fit one message", request.data.size()));
  }

  Bytes out;
  out.reserve(total);
  BigEndianWriter w(out);
  w.u8(static_cast<std::uint8_t>((request.transport_specific << 4) | kMessageTypeManagement));
  w.u8(kVersionPtp);
  w.u16(static_cast<std::uint16_t>(total));  // messageLength: ptp4l requires it to match exactly
  w.u8(request.domain_number);
  w.u8(0);   // minorSdoId / reserved
  w.u16(0);  // flagField
  w.u64(0);  // correctionField
  w.u32(0);  // messageTypeSpecific
  write_port_identity(w, request.source);
  w.u16(request.sequence_id);
  w.u8(kControlFieldManagement);
  w.u8(kLogMessageIntervalUnused);
  write_port_identity(w, request.target);
  w.u8(request.boundary_hops);  // startingBoundaryHops
  w.u8(request.boundary_hops);  // boundaryHops
  w.u8(static_cast<std::uint8_t>(request.action) & 0x0F);
  w.u8(0);  // reserved
  w.u16(kTlvManagement);
  w.u16(static_cast<std::uint16_t>(2 + padded_data));  // lengthField counts managementId + data
  w.u16(static_cast<std::uint16_t>(request.id));
  w.bytes(request.data);
  w.zeros(padded_data - request.data.size());
  return out;
}

ManagementMessage decode_management_message(ByteSpan datagram) {
  const BigEndianReader r(datagram, "management message");
  ManagementMessage m;

  const std::uint8_t type_byte = r.u8(0, "messageType");
  if ((type_byte & 0x0F) != kMessageTypeManagement) {
    throw MalformedMessage(
        fmt::format("not a management message: messageType is {:#x}, expected 0xd", type_byte & 0x0F));
  }
  m.transport_specific = static_cast<std::uint8_t>(type_byte >> 4);
  m.version_ptp = static_cast<std::uint8_t>(r.u8(1, "versionPTP") & 0x0F);
  if (m.version_ptp != kVersionPtp) {
    throw MalformedMessage(fmt::format("unsupported versionPTP {} (expected 2)", m.version_ptp));
  }
  const std::uint16_t message_length = r.u16(2, "messageLength");
  if (message_length != datagram.size()) {
    throw MalformedMessage(
        fmt::format("messageLength says {} bytes but the datagram has {}", message_length, datagram.size()));
  }
  r.require(0, kManagementHeaderSize + kTlvHeaderSize, "management header and TLV header");
  m.domain_number = r.u8(4, "domainNumber");
  m.source = read_port_identity(r, 20, "sourcePortIdentity");
  m.sequence_id = r.u16(30, "sequenceId");
  m.target = read_port_identity(r, 34, "targetPortIdentity");
  m.starting_boundary_hops = r.u8(44, "startingBoundaryHops");
  m.boundary_hops = r.u8(45, "boundaryHops");
  m.action = static_cast<Action>(r.u8(46, "actionField") & 0x0F);

  const std::uint16_t tlv_type = r.u16(48, "tlvType");
  const std::uint16_t tlv_length = r.u16(50, "TLV lengthField");
  const BigEndianReader tlv(r.sub(52, tlv_length, "TLV value (lengthField)"),
                            tlv_type == kTlvManagementErrorStatus ? "MANAGEMENT_ERROR_STATUS TLV" : "MANAGEMENT TLV");

  if (tlv_type == kTlvManagement) {
    m.id = static_cast<ManagementId>(tlv.u16(0, "managementId"));
    const ByteSpan data = tlv.sub(2, tlv.size() - 2, "dataField");
    m.data.assign(data.begin(), data.end());
  } else if (tlv_type == kTlvManagementErrorStatus) {
    tlv.require(0, kErrorStatusFixedSize, "managementErrorId, managementId and reserved");
    ManagementErrorStatus error;
    error.error = static_cast<ManagementErrorId>(tlv.u16(0, "managementErrorId"));
    m.id = static_cast<ManagementId>(tlv.u16(2, "managementId"));
    if (tlv.size() > kErrorStatusFixedSize) {
      const std::uint8_t text_length = tlv.u8(kErrorStatusFixedSize, "displayData length");
      const ByteSpan text = tlv.sub(kErrorStatusFixedSize + 1, text_length, "displayData text");
      error.display_data.assign(text.begin(), text.end());
    }
    m.error = std::move(error);
  } else {
    throw MalformedMessage(
        fmt::format("unexpected TLV type {:#06x} in a management message (expected "
                    "0x0001 MANAGEMENT or 0x0002 MANAGEMENT_ERROR_STATUS)",
                    tlv_type));
  }
  return m;
}

}  // namespace takt::ptp
