// libFuzzer entry for what takt reads from ptp4l's management socket: one datagram through
// decode_management_message, then its dataField through every data-set decoder the clock
// health reads (TIME_STATUS_NP, PORT_DATA_SET, ...), and the names printed for its fields.
// A datagram is whatever arrives on the UNIX socket, so any bytes must end in a message or in
// MalformedMessage, never in a read past the buffer or undefined behaviour.
#include <cstddef>
#include <cstdint>

#include "ptp/clock_identity.hpp"
#include "ptp/data_sets.hpp"
#include "ptp/management_id.hpp"
#include "ptp/management_message.hpp"
#include "ptp/port_state.hpp"
#include "ptp/ptp_errors.hpp"

namespace {

using namespace takt::ptp;

template <class Decode>
void try_decode(Decode decode, ByteSpan data) {
  try {
    (void)decode(data);
  } catch (const MalformedMessage&) {
  }
}

void decode_data_sets(ByteSpan data) {
  try_decode(decode_time_status_np, data);
  try_decode(decode_default_data_set, data);
  try_decode(decode_current_data_set, data);
  try_decode(decode_parent_data_set, data);
  try_decode(decode_time_properties_data_set, data);
  try_decode(decode_synchronization_uncertain_np, data);
  try {
    const PortDataSet port = decode_port_data_set(data);
    (void)port_state_name(port.port_state);
    (void)delay_mechanism_name(port.delay_mechanism);
    (void)to_string(port.port_identity);
  } catch (const MalformedMessage&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan datagram(data, size);
  ManagementMessage message;
  try {
    message = decode_management_message(datagram);
  } catch (const MalformedMessage&) {
    // Still feed the raw bytes to the data-set decoders: they must bound themselves alone.
    decode_data_sets(datagram);
    return 0;
  }
  (void)action_name(message.action);
  (void)management_id_name(message.id);
  (void)is_port_level(message.id);
  (void)to_string(message.source);
  (void)to_string(message.target);
  if (message.error) (void)management_error_name(message.error->error);
  decode_data_sets(message.data);
  return 0;
}
