#pragma once
// managementId values (IEEE 1588 table 40 plus linuxptp's _NP extensions) and the
// managementErrorId values ptp4l answers with.
#include <cstdint>
#include <string>

namespace takt::ptp {

enum class ManagementId : std::uint16_t {
  null_management = 0x0000,
  clock_description = 0x0001,
  user_description = 0x0002,
  default_data_set = 0x2000,
  current_data_set = 0x2001,
  parent_data_set = 0x2002,
  time_properties_data_set = 0x2003,
  port_data_set = 0x2004,
  priority1 = 0x2005,
  priority2 = 0x2006,
  domain = 0x2007,
  slave_only = 0x2008,
  log_announce_interval = 0x2009,
  announce_receipt_timeout = 0x200A,
  log_sync_interval = 0x200B,
  version_number = 0x200C,
  clock_accuracy = 0x2010,
  traceability_properties = 0x2012,
  timescale_properties = 0x2013,
  delay_mechanism = 0x6000,
  log_min_pdelay_req_interval = 0x6001,
  time_status_np = 0xC000,
  grandmaster_settings_np = 0xC001,
  port_data_set_np = 0xC002,
  subscribe_events_np = 0xC003,
  port_properties_np = 0xC004,
  port_stats_np = 0xC005,
  synchronization_uncertain_np = 0xC006,
};

// "TIME_STATUS_NP"; unknown values as "0xc00f".
std::string management_id_name(ManagementId id);

// Port-level IDs are answered once per port when the target port is the wildcard 0xFFFF;
// clock-level IDs once.
bool is_port_level(ManagementId id);

// managementErrorId (IEEE 1588 table 72).
enum class ManagementErrorId : std::uint16_t {
  response_too_big = 0x0001,
  no_such_id = 0x0002,
  wrong_length = 0x0003,
  wrong_value = 0x0004,
  not_setable = 0x0005,
  not_supported = 0x0006,
  general_error = 0xFFFE,
};

// "NOT_SUPPORTED"; unknown values as "0x0007".
std::string management_error_name(ManagementErrorId id);

}  // namespace takt::ptp
