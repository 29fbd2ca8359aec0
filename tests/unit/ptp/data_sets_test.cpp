// Data set decoders against the layouts (and live values) in ptp4l-management.md, section 1.4.
#include <catch2/catch.hpp>

#include "ptp/data_sets.hpp"
#include "ptp/management_message.hpp"
#include "hex.hpp"

using namespace takt::ptp;
using takt::Nanos;
using takt::ptp::test::from_hex;

TEST_CASE("TIME_STATUS_NP from live ptp4l: gmPresent at 38, gmIdentity at 42", "[ptp][datasets]") {
  const Bytes data = from_hex(
      "ffffffffffffffc5 18eaaff0214e4508 00000000 00000000 0000 000000000000000000000000 00000001 6261fbfffed94217");
  const TimeStatusNp t = decode_time_status_np(data);
  CHECK(t.master_offset == Nanos{-59});
  CHECK(t.ingress_time == Nanos{1795440847346353416});
  CHECK(t.cumulative_scaled_rate_offset == 0);
  CHECK(t.scaled_last_gm_phase_change == 0);
  CHECK(t.gm_time_base_indicator == 0);
  CHECK(t.gm_present);
  CHECK(to_string(t.gm_identity) == "6261fb.fffe.d94217");
}

TEST_CASE("TIME_STATUS_NP signed and ScaledNs fields", "[ptp][datasets]") {
  const Bytes data = from_hex(
      "0000000000000048 0000000000000000 fffffc00 00000010 0003 0001 0000000000000200 8000 00000000 0eeb4dfffef4fac8");
  const TimeStatusNp t = decode_time_status_np(data);
  CHECK(t.master_offset == Nanos{72});
  CHECK(t.cumulative_scaled_rate_offset == -1024);
  CHECK(t.scaled_last_gm_phase_change == 16);
  CHECK(t.gm_time_base_indicator == 3);
  CHECK(t.last_gm_phase_change_ns_msb == 1);
  CHECK(t.last_gm_phase_change_ns_lsb == 0x200);
  CHECK(t.last_gm_phase_change_fractional_ns == 0x8000);
  CHECK_FALSE(t.gm_present);
  CHECK(to_string(t.gm_identity) == "0eeb4d.fffe.f4fac8");
}

TEST_CASE("PORT_DATA_SET", "[ptp][datasets]") {
  // port 1 of 0eeb4d.fffe.f4fac8, SLAVE, logMinDelayReq 0, peer delay 1683.5 ns, announce 1,
  // timeout 3, sync -3, P2P, pdelay 0, version 2.
  const Bytes data = from_hex("0eeb4dfffef4fac8 0001 09 00 0000000006938000 01 03 fd 02 00 02");
  const PortDataSet p = decode_port_data_set(data);
  CHECK(to_string(p.port_identity) == "0eeb4d.fffe.f4fac8-1");
  CHECK(p.port_state == PortState::slave);
  CHECK(port_state_name(p.port_state) == "SLAVE");
  CHECK(p.log_min_delay_req_interval == 0);
  CHECK(p.peer_mean_path_delay == Nanos{1684});  // 1683.5 rounds half away from zero
  CHECK(p.log_announce_interval == 1);
  CHECK(p.announce_receipt_timeout == 3);
  CHECK(p.log_sync_interval == -3);
  CHECK(p.delay_mechanism == 2);
  CHECK(delay_mechanism_name(p.delay_mechanism) == "P2P");
  CHECK(p.log_min_pdelay_req_interval == 0);
  CHECK(p.version_number == 2);
}

TEST_CASE("port state names cover ptp4l's enum", "[ptp][datasets]") {
  const char* names[] = {"INITIALIZING", "FAULTY",  "DISABLED",     "LISTENING", "PRE_MASTER",
                         "MASTER",       "PASSIVE", "UNCALIBRATED", "SLAVE",     "GRAND_MASTER"};
  for (unsigned v = 1; v <= 10; ++v) {
    CHECK(port_state_name(static_cast<PortState>(v)) == names[v - 1]);
    CHECK(parse_port_state(names[v - 1]) == static_cast<PortState>(v));
  }
  CHECK(port_state_name(static_cast<PortState>(0)) == "UNKNOWN(0)");
  CHECK_FALSE(parse_port_state("slave").has_value());
}

TEST_CASE("TIME_PROPERTIES_DATA_SET as seen with software timestamps, and every flag", "[ptp][datasets]") {
  const TimePropertiesDataSet live = decode_time_properties_data_set(from_hex("0025 00 a0"));
  CHECK(live.current_utc_offset == 37);
  CHECK_FALSE(live.current_utc_offset_valid);
  CHECK_FALSE(live.ptp_timescale);
  CHECK(live.time_source == 0xa0);

  const TimePropertiesDataSet all = decode_time_properties_data_set(from_hex("ffff 3f 20"));
  CHECK(all.current_utc_offset == -1);
  CHECK(all.leap61);
  CHECK(all.leap59);
  CHECK(all.current_utc_offset_valid);
  CHECK(all.ptp_timescale);
  CHECK(all.time_traceable);
  CHECK(all.frequency_traceable);

  const TimePropertiesDataSet valid_only = decode_time_properties_data_set(from_hex("0025 0c 20"));
  CHECK(valid_only.current_utc_offset_valid);
  CHECK(valid_only.ptp_timescale);
  CHECK_FALSE(valid_only.leap61);
  CHECK_FALSE(valid_only.time_traceable);
}

TEST_CASE("PARENT_DATA_SET", "[ptp][datasets]") {
  const Bytes data = from_hex("6261fbfffed94217 0001 00 00 ffff 7fffffff 64 f8 fe ffff f8 6261fbfffed94217");
  const ParentDataSet p = decode_parent_data_set(data);
  CHECK(to_string(p.parent_port_identity) == "6261fb.fffe.d94217-1");
  CHECK_FALSE(p.parent_stats);
  CHECK(p.observed_parent_offset_scaled_log_variance == 0xffff);
  CHECK(p.observed_parent_clock_phase_change_rate == 0x7fffffff);
  CHECK(p.grandmaster_priority1 == 100);
  CHECK(p.grandmaster_clock_quality.clock_class == 248);
  CHECK(p.grandmaster_clock_quality.clock_accuracy == 0xfe);
  CHECK(p.grandmaster_clock_quality.offset_scaled_log_variance == 0xffff);
  CHECK(p.grandmaster_priority2 == 248);
  CHECK(to_string(p.grandmaster_identity) == "6261fb.fffe.d94217");
}

TEST_CASE("DEFAULT_DATA_SET", "[ptp][datasets]") {
  const Bytes data = from_hex("03 00 0002 80 f8 fe ffff 80 0eeb4dfffef4fac8 18 00");
  const DefaultDataSet d = decode_default_data_set(data);
  CHECK(d.two_step);
  CHECK(d.slave_only);
  CHECK(d.number_ports == 2);
  CHECK(d.priority1 == 128);
  CHECK(d.clock_quality.clock_class == 248);
  CHECK(d.clock_quality.clock_accuracy == 0xfe);
  CHECK(d.clock_quality.offset_scaled_log_variance == 0xffff);
  CHECK(d.priority2 == 128);
  CHECK(to_string(d.clock_identity) == "0eeb4d.fffe.f4fac8");
  CHECK(d.domain_number == 24);
}

TEST_CASE("CURRENT_DATA_SET with the live values 72.0 ns and 2824.0 ns", "[ptp][datasets]") {
  const Bytes data = from_hex("0001 0000000000480000 000000000b080000");
  const CurrentDataSet c = decode_current_data_set(data);
  CHECK(c.steps_removed == 1);
  CHECK(c.offset_from_master == Nanos{72});
  CHECK(c.mean_path_delay == Nanos{2824});
}

TEST_CASE("TimeInterval rounds to the nearest nanosecond, half away from zero", "[ptp][datasets]") {
  CHECK(time_interval_to_nanos(0) == Nanos{0});
  CHECK(time_interval_to_nanos(72 * 65536) == Nanos{72});
  CHECK(time_interval_to_nanos(-72 * 65536) == Nanos{-72});
  CHECK(time_interval_to_nanos(32767) == Nanos{0});
  CHECK(time_interval_to_nanos(32768) == Nanos{1});
  CHECK(time_interval_to_nanos(-32768) == Nanos{-1});
  CHECK(time_interval_to_nanos(-32767) == Nanos{0});
  CHECK(time_interval_to_nanos(INT64_MAX) == Nanos{INT64_MAX / 65536 + 1});
  CHECK(time_interval_to_nanos(INT64_MIN) == Nanos{INT64_MIN / 65536});
}

TEST_CASE("SYNCHRONIZATION_UNCERTAIN_NP encodes as val + reserved", "[ptp][datasets]") {
  CHECK(encode_synchronization_uncertain_np(SyncUncertain::no) == Bytes{0x00, 0x00});
  CHECK(encode_synchronization_uncertain_np(SyncUncertain::yes) == Bytes{0x01, 0x00});
  CHECK(encode_synchronization_uncertain_np(SyncUncertain::dont_care) == Bytes{0xff, 0x00});
  CHECK(decode_synchronization_uncertain_np(from_hex("ff00")) == SyncUncertain::dont_care);
  CHECK_THROWS_WITH(decode_synchronization_uncertain_np(from_hex("0700")), Catch::Contains("val is 7"));

  // The whole SET request: 56 bytes, TLV length 4.
  ManagementRequest r;
  r.transport_specific = 1;
  r.action = Action::set;
  r.id = ManagementId::synchronization_uncertain_np;
  r.data = encode_synchronization_uncertain_np(SyncUncertain::no);
  const Bytes set = encode_management_request(r);
  CHECK(set == from_hex("1d02 0038 00 00 0000 0000000000000000 00000000 0000000000000000 0000 0000 04 7f"
                        "ffffffffffffffff ffff 00 00 01 00  0001 0004 c006 0000"));
}

TEST_CASE("short data sets are rejected with the data set's name and size", "[ptp][datasets]") {
  const Bytes nine(9, 0);
  CHECK_THROWS_WITH(decode_time_status_np(nine), Catch::Contains("TIME_STATUS_NP is 9 bytes long"));
  CHECK_THROWS_WITH(decode_port_data_set(nine), Catch::Contains("PORT_DATA_SET is 9 bytes long"));
  CHECK_THROWS_WITH(decode_parent_data_set(nine), Catch::Contains("PARENT_DATA_SET is 9 bytes long"));
  CHECK_THROWS_WITH(decode_default_data_set(nine), Catch::Contains("DEFAULT_DATA_SET is 9 bytes long"));
  CHECK_THROWS_WITH(decode_current_data_set(nine), Catch::Contains("CURRENT_DATA_SET is 9 bytes long"));
  CHECK_THROWS_WITH(decode_time_properties_data_set(Bytes(3, 0)),
                    Catch::Contains("TIME_PROPERTIES_DATA_SET is 3 bytes long"));
  CHECK_THROWS_WITH(decode_synchronization_uncertain_np(Bytes(1, 0)),
                    Catch::Contains("SYNCHRONIZATION_UNCERTAIN_NP is 1 bytes long"));
  // One byte short of each exact size.
  CHECK_THROWS_AS(decode_time_status_np(Bytes(kTimeStatusNpSize - 1, 0)), MalformedMessage);
  CHECK_THROWS_AS(decode_port_data_set(Bytes(kPortDataSetSize - 1, 0)), MalformedMessage);
  CHECK_THROWS_AS(decode_parent_data_set(Bytes(kParentDataSetSize - 1, 0)), MalformedMessage);
  CHECK_THROWS_AS(decode_default_data_set(Bytes(kDefaultDataSetSize - 1, 0)), MalformedMessage);
  CHECK_THROWS_AS(decode_current_data_set(Bytes(kCurrentDataSetSize - 1, 0)), MalformedMessage);
  CHECK_NOTHROW(decode_time_status_np(Bytes(kTimeStatusNpSize, 0)));
}
