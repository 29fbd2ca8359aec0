#pragma once
// The three ways a management exchange with ptp4l can fail, as separate types so callers can
// tell "ptp4l is not there" from "ptp4l said no" from "ptp4l (or something) sent garbage".
#include <cstdint>
#include <stdexcept>
#include <string>

namespace takt::ptp {

// A datagram that does not parse as the management message it claims to be. The message names
// the field and the offending sizes so a packet capture can be checked against it.
class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The UNIX socket could not be used or ptp4l did not answer in time. The message names the
// socket path and the request, and suggests what to check.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ptp4l answered with a MANAGEMENT_ERROR_STATUS TLV.
class ManagementErrorResponse : public std::runtime_error {
 public:
  ManagementErrorResponse(const std::string& what, std::uint16_t error_id)
      : std::runtime_error(what), error_id_(error_id) {}
  std::uint16_t error_id() const { return error_id_; }

 private:
  std::uint16_t error_id_;
};

}  // namespace takt::ptp
