#include "ptp/management_id.hpp"

#include <array>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace takt::ptp {
namespace {

constexpr std::array<std::pair<ManagementId, std::string_view>, 28> kIdNames{{
    {ManagementId::null_management, "NULL_MANAGEMENT"},
    {ManagementId::clock_description, "CLOCK_DESCRIPTION"},
    {ManagementId::user_description, "USER_DESCRIPTION"},
    {ManagementId::default_data_set, "DEFAULT_DATA_SET"},
    {ManagementId::current_data_set, "CURRENT_DATA_SET"},
    {ManagementId::parent_data_set, "PARENT_DATA_SET"},
    {ManagementId::time_properties_data_set, "TIME_PROPERTIES_DATA_SET"},
    {ManagementId::port_data_set, "PORT_DATA_SET"},
    {ManagementId::priority1, "PRIORITY1"},
    {ManagementId::priority2, "PRIORITY2"},
    {ManagementId::domain, "DOMAIN"},
    {ManagementId::slave_only, "SLAVE_ONLY"},
    {ManagementId::log_announce_interval, "LOG_ANNOUNCE_INTERVAL"},
    {ManagementId::announce_receipt_timeout, "ANNOUNCE_RECEIPT_TIMEOUT"},
    {ManagementId::log_sync_interval, "LOG_SYNC_INTERVAL"},
    {ManagementId::version_number, "VERSION_NUMBER"},
    {ManagementId::clock_accuracy, "CLOCK_ACCURACY"},
    {ManagementId::traceability_properties, "TRACEABILITY_PROPERTIES"},
    {ManagementId::timescale_properties, "TIMESCALE_PROPERTIES"},
    {ManagementId::delay_mechanism, "DELAY_MECHANISM"},
    {ManagementId::log_min_pdelay_req_interval, "LOG_MIN_PDELAY_REQ_INTERVAL"},
    {ManagementId::time_status_np, "TIME_STATUS_NP"},
    {ManagementId::grandmaster_settings_np, "GRANDMASTER_SETTINGS_NP"},
    {ManagementId::port_data_set_np, "PORT_DATA_SET_NP"},
    {ManagementId::subscribe_events_np, "SUBSCRIBE_EVENTS_NP"},
    {ManagementId::port_properties_np, "PORT_PROPERTIES_NP"},
    {ManagementId::port_stats_np, "PORT_STATS_NP"},
    {ManagementId::synchronization_uncertain_np, "SYNCHRONIZATION_UNCERTAIN_NP"},
}};

constexpr std::array<std::pair<ManagementErrorId, std::string_view>, 7> kErrorNames{{
    {ManagementErrorId::response_too_big, "RESPONSE_TOO_BIG"},
    {ManagementErrorId::no_such_id, "NO_SUCH_ID"},
    {ManagementErrorId::wrong_length, "WRONG_LENGTH"},
    {ManagementErrorId::wrong_value, "WRONG_VALUE"},
    {ManagementErrorId::not_setable, "NOT_SETABLE"},
    {ManagementErrorId::not_supported, "NOT_SUPPORTED"},
    {ManagementErrorId::general_error, "GENERAL_ERROR"},
}};

}  // namespace

std::string management_id_name(ManagementId id) {
  for (const auto& [value, name] : kIdNames) {
    if (value == id) return std::string(name);
  }
  return fmt::format("{:#06x}", static_cast<unsigned>(id));
}

bool is_port_level(ManagementId id) {
  switch (id) {
    case ManagementId::null_management:
    case ManagementId::clock_description:
    case ManagementId::port_data_set:
    case ManagementId::log_announce_interval:
    case ManagementId::announce_receipt_timeout:
    case ManagementId::log_sync_interval:
    case ManagementId::version_number:
    case ManagementId::delay_mechanism:
    case ManagementId::log_min_pdelay_req_interval:
    case ManagementId::port_data_set_np:
    case ManagementId::port_properties_np:
    case ManagementId::port_stats_np:
      return true;
    default:
      return false;
  }
}

std::string management_error_name(ManagementErrorId id) {
  for (const auto& [value, name] : kErrorNames) {
    if (value == id) return std::string(name);
  }
  return fmt::format("{:#06x}", static_cast<unsigned>(id));
}

}  // namespace takt::ptp
