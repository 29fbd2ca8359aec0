#include "ptp/data_sets.hpp"

#include <fmt/format.h>

namespace takt::ptp {
namespace {

PortIdentity port_identity_at(const BigEndianReader& r, std::size_t offset, std::string_view field) {
  return PortIdentity{ClockIdentity{r.array<8>(offset, field)}, r.u16(offset + 8, field)};
}

ClockQuality clock_quality_at(const BigEndianReader& r, std::size_t offset) {
  return ClockQuality{r.u8(offset, "clockClass"), r.u8(offset + 1, "clockAccuracy"),
                      r.u16(offset + 2, "offsetScaledLogVariance")};
}

}  // namespace

Nanos time_interval_to_nanos(std::int64_t scaled_ns) {
  // Half away from zero, by quotient and remainder so no value can overflow.
  constexpr std::int64_t kScale = std::int64_t{1} << 16;
  std::int64_t ns = scaled_ns / kScale;
  const std::int64_t rest = scaled_ns % kScale;
  if (rest >= kScale / 2) ++ns;
  if (rest <= -kScale / 2) --ns;
  return Nanos{ns};
}

TimeStatusNp decode_time_status_np(ByteSpan data) {
  const BigEndianReader r(data, "TIME_STATUS_NP");
  r.require(0, kTimeStatusNpSize, "the whole data set");
  TimeStatusNp t;
  t.master_offset = Nanos{r.i64(0, "master_offset")};
  t.ingress_time = Nanos{r.i64(8, "ingress_time")};
  t.cumulative_scaled_rate_offset = r.i32(16, "cumulativeScaledRateOffset");
  t.scaled_last_gm_phase_change = r.i32(20, "scaledLastGmPhaseChange");
  t.gm_time_base_indicator = r.u16(24, "gmTimeBaseIndicator");
  t.last_gm_phase_change_ns_msb = r.u16(26, "lastGmPhaseChange.nanoseconds_msb");
  t.last_gm_phase_change_ns_lsb = r.u64(28, "lastGmPhaseChange.nanoseconds_lsb");
  t.last_gm_phase_change_fractional_ns = r.u16(36, "lastGmPhaseChange.fractional_nanoseconds");
  t.gm_present = r.i32(38, "gmPresent") != 0;
  t.gm_identity = ClockIdentity{r.array<8>(42, "gmIdentity")};
  return t;
}

PortDataSet decode_port_data_set(ByteSpan data) {
  const BigEndianReader r(data, "PORT_DATA_SET");
  r.require(0, kPortDataSetSize, "the whole data set");
  PortDataSet p;
  p.port_identity = port_identity_at(r, 0, "portIdentity");
  p.port_state = static_cast<PortState>(r.u8(10, "portState"));
  p.log_min_delay_req_interval = r.i8(11, "logMinDelayReqInterval");
  p.peer_mean_path_delay = time_interval_to_nanos(r.i64(12, "peerMeanPathDelay"));
  p.log_announce_interval = r.i8(20, "logAnnounceInterval");
  p.announce_receipt_timeout = r.u8(21, "announceReceiptTimeout");
  p.log_sync_interval = r.i8(22, "logSyncInterval");
  p.delay_mechanism = r.u8(23, "delayMechanism");
  p.log_min_pdelay_req_interval = r.i8(24, "logMinPdelayReqInterval");
  p.version_number = static_cast<std::uint8_t>(r.u8(25, "versionNumber") & 0x0F);
  return p;
}

std::string delay_mechanism_name(std::uint8_t delay_mechanism) {
  switch (delay_mechanism) {
    case 1:
      return "E2E";
    case 2:
      return "P2P";
    case 0xFE:
      return "NONE";
    default:
      return fmt::format("{}", delay_mechanism);
  }
}

TimePropertiesDataSet decode_time_properties_data_set(ByteSpan data) {
  const BigEndianReader r(data, "TIME_PROPERTIES_DATA_SET");
  r.require(0, kTimePropertiesDataSetSize, "the whole data set");
  TimePropertiesDataSet t;
  t.current_utc_offset = r.i16(0, "currentUtcOffset");
  const std::uint8_t flags = r.u8(2, "flags");
  t.leap61 = (flags & 0x01) != 0;
  t.leap59 = (flags & 0x02) != 0;
  t.current_utc_offset_valid = (flags & 0x04) != 0;
  t.ptp_timescale = (flags & 0x08) != 0;
  t.time_traceable = (flags & 0x10) != 0;
  t.frequency_traceable = (flags & 0x20) != 0;
  t.time_source = r.u8(3, "timeSource");
  return t;
}

ParentDataSet decode_parent_data_set(ByteSpan data) {
  const BigEndianReader r(data, "PARENT_DATA_SET");
  r.require(0, kParentDataSetSize, "the whole data set");
  ParentDataSet p;
  p.parent_port_identity = port_identity_at(r, 0, "parentPortIdentity");
  p.parent_stats = r.u8(10, "parentStats") != 0;
  p.observed_parent_offset_scaled_log_variance = r.u16(12, "observedParentOffsetScaledLogVariance");
  p.observed_parent_clock_phase_change_rate = r.i32(14, "observedParentClockPhaseChangeRate");
  p.grandmaster_priority1 = r.u8(18, "grandmasterPriority1");
  p.grandmaster_clock_quality = clock_quality_at(r, 19);
  p.grandmaster_priority2 = r.u8(23, "grandmasterPriority2");
  p.grandmaster_identity = ClockIdentity{r.array<8>(24, "grandmasterIdentity")};
  return p;
}

DefaultDataSet decode_default_data_set(ByteSpan data) {
  const BigEndianReader r(data, "DEFAULT_DATA_SET");
  r.require(0, kDefaultDataSetSize, "the whole data set");
  DefaultDataSet d;
  const std::uint8_t flags = r.u8(0, "flags");
  d.two_step = (flags & 0x01) != 0;
  d.slave_only = (flags & 0x02) != 0;
  d.number_ports = r.u16(2, "numberPorts");
  d.priority1 = r.u8(4, "priority1");
  d.clock_quality = clock_quality_at(r, 5);
  d.priority2 = r.u8(9, "priority2");
  d.clock_identity = ClockIdentity{r.array<8>(10, "clockIdentity")};
  d.domain_number = r.u8(18, "domainNumber");
  return d;
}

CurrentDataSet decode_current_data_set(ByteSpan data) {
  const BigEndianReader r(data, "CURRENT_DATA_SET");
  r.require(0, kCurrentDataSetSize, "the whole data set");
  CurrentDataSet c;
  c.steps_removed = r.u16(0, "stepsRemoved");
  c.offset_from_master = time_interval_to_nanos(r.i64(2, "offsetFromMaster"));
  c.mean_path_delay = time_interval_to_nanos(r.i64(10, "meanPathDelay"));
  return c;
}

Bytes encode_synchronization_uncertain_np(SyncUncertain value) { return Bytes{static_cast<std::uint8_t>(value), 0}; }

SyncUncertain decode_synchronization_uncertain_np(ByteSpan data) {
  const BigEndianReader r(data, "SYNCHRONIZATION_UNCERTAIN_NP");
  r.require(0, kSynchronizationUncertainNpSize, "the whole data set");
  const std::uint8_t v = r.u8(0, "val");
  if (v != 0 && v != 1 && v != 0xFF) {
    throw MalformedMessage(fmt::format("SYNCHRONIZATION_UNCERTAIN_NP val is {}, expected 0, 1 or 255", v));
  }
  return static_cast<SyncUncertain>(v);
}

}  // namespace takt::ptp
