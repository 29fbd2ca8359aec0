#pragma once
// The data sets takt reads from ptp4l, decoded from a MANAGEMENT TLV's dataField. Layouts are
// ptp4l 3.1.1's (unchanged up to 4.4). Each decoder throws MalformedMessage when the dataField
// is shorter than the data set; extra trailing bytes (padding) are ignored.
#include <array>
#include <cstdint>

#include "ptp/byte_codec.hpp"
#include "ptp/clock_identity.hpp"
#include "ptp/port_state.hpp"
#include "dataplane/core/time.hpp"

namespace takt::ptp {

// IEEE 1588 TimeInterval: nanoseconds scaled by 2^16. Rounded to the nearest nanosecond.
Nanos time_interval_to_nanos(std::int64_t scaled_ns);

struct ClockQuality {
  std::uint8_t clock_class = 0;
  std::uint8_t clock_accuracy = 0;
  std::uint16_t offset_scaled_log_variance = 0;
};

// TIME_STATUS_NP (0xC000), 50 bytes.
struct TimeStatusNp {
  Nanos master_offset{0};  // local - master, as ptp4l logs "master offset"; 0 before the first Sync
  Nanos ingress_time{0};   // last Sync's ingress in the local clock's timescale; 0 until the first
  std::int32_t cumulative_scaled_rate_offset = 0;  // (rateRatio - 1) * 2^41
  std::int32_t scaled_last_gm_phase_change = 0;
  std::uint16_t gm_time_base_indicator = 0;
  std::uint16_t last_gm_phase_change_ns_msb = 0;
  std::uint64_t last_gm_phase_change_ns_lsb = 0;
  std::uint16_t last_gm_phase_change_fractional_ns = 0;
  bool gm_present = false;  // false when this clock is the grandmaster (or has no master yet)
  ClockIdentity gm_identity;
};
inline constexpr std::size_t kTimeStatusNpSize = 50;
TimeStatusNp decode_time_status_np(ByteSpan data);

// PORT_DATA_SET (0x2004), 26 bytes.
struct PortDataSet {
  PortIdentity port_identity;
  PortState port_state = PortState::initializing;
  std::int8_t log_min_delay_req_interval = 0;
  Nanos peer_mean_path_delay{0};
  std::int8_t log_announce_interval = 0;
  std::uint8_t announce_receipt_timeout = 0;
  std::int8_t log_sync_interval = 0;
  std::uint8_t delay_mechanism = 0;  // 1 E2E, 2 P2P
  std::int8_t log_min_pdelay_req_interval = 0;
  std::uint8_t version_number = 0;
};
inline constexpr std::size_t kPortDataSetSize = 26;
PortDataSet decode_port_data_set(ByteSpan data);
// "E2E", "P2P", "NONE" (0xFE), or the number.
std::string delay_mechanism_name(std::uint8_t delay_mechanism);

// TIME_PROPERTIES_DATA_SET (0x2003), 4 bytes.
struct TimePropertiesDataSet {
  std::int16_t current_utc_offset = 0;  // seconds, TAI - UTC
  bool leap61 = false;
  bool leap59 = false;
  bool current_utc_offset_valid = false;
  bool ptp_timescale = false;
  bool time_traceable = false;
  bool frequency_traceable = false;
  std::uint8_t time_source = 0;
};
inline constexpr std::size_t kTimePropertiesDataSetSize = 4;
TimePropertiesDataSet decode_time_properties_data_set(ByteSpan data);

// PARENT_DATA_SET (0x2002), 32 bytes.
struct ParentDataSet {
  PortIdentity parent_port_identity;
  bool parent_stats = false;
  std::uint16_t observed_parent_offset_scaled_log_variance = 0;
  std::int32_t observed_parent_clock_phase_change_rate = 0;
  std::uint8_t grandmaster_priority1 = 0;
  ClockQuality grandmaster_clock_quality;
  std::uint8_t grandmaster_priority2 = 0;
  ClockIdentity grandmaster_identity;
};
inline constexpr std::size_t kParentDataSetSize = 32;
ParentDataSet decode_parent_data_set(ByteSpan data);

// DEFAULT_DATA_SET (0x2000), 20 bytes.
struct DefaultDataSet {
  bool two_step = false;
  bool slave_only = false;
  std::uint16_t number_ports = 0;
  std::uint8_t priority1 = 0;
  ClockQuality clock_quality;
  std::uint8_t priority2 = 0;
  ClockIdentity clock_identity;
  std::uint8_t domain_number = 0;
};
inline constexpr std::size_t kDefaultDataSetSize = 20;
DefaultDataSet decode_default_data_set(ByteSpan data);

// CURRENT_DATA_SET (0x2001), 18 bytes.
struct CurrentDataSet {
  std::uint16_t steps_removed = 0;
  Nanos offset_from_master{0};
  Nanos mean_path_delay{0};
};
inline constexpr std::size_t kCurrentDataSetSize = 18;
CurrentDataSet decode_current_data_set(ByteSpan data);

// SYNCHRONIZATION_UNCERTAIN_NP (0xC006), 2 bytes. ptp4l holds a free-running slave in
// UNCALIBRATED until it is told the synchronization is not uncertain (value false).
enum class SyncUncertain : std::uint8_t { no = 0, yes = 1, dont_care = 0xFF };
inline constexpr std::size_t kSynchronizationUncertainNpSize = 2;
Bytes encode_synchronization_uncertain_np(SyncUncertain value);
SyncUncertain decode_synchronization_uncertain_np(ByteSpan data);

}  // namespace takt::ptp
