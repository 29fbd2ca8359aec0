// Byte-exact checks against the request and response captured from live ptp4l 3.1.1
// (/work/shared/reference/ptp4l-management.md, section 1.2).
#include <catch2/catch.hpp>

#include "ptp/management_message.hpp"
#include "hex.hpp"

using namespace takt::ptp;
using takt::ptp::test::from_hex;

namespace {

// GET TIME_STATUS_NP as the experimental client sent it (portNumber = pid 0x36fd).
const Bytes kGetTimeStatusRequest = from_hex(
    "0d02 0036 00 00 0000 0000000000000000 00000000 0000000000000000 36fd 0000 04 7f"
    "ffffffffffffffff ffff 00 00 00 00  0001 0002 c000");

// ptp4l's 104-byte answer.
const Bytes kTimeStatusResponse = from_hex(
    "0d02 0068 00 00 0000 0000000000000000 00000000 0eeb4dfffef4fac8 0000 0008 04 7f"
    "0000000000000000 37b9 00 00 02 00"
    "0001 0034 c000"
    "ffffffffffffffc5 18eaaff0214e4508 00000000 00000000 0000 000000000000000000000000 00000001 6261fbfffed94217");

ManagementRequest time_status_request() {
  ManagementRequest r;
  r.source.port_number = 0x36fd;
  r.sequence_id = 0;
  r.id = ManagementId::time_status_np;
  return r;
}

}  // namespace

TEST_CASE("GET TIME_STATUS_NP encodes to the 54 bytes ptp4l accepted", "[ptp][message]") {
  const Bytes encoded = encode_management_request(time_status_request());
  REQUIRE(encoded.size() == 54);
  CHECK(encoded == kGetTimeStatusRequest);
}

TEST_CASE("transportSpecific, domainNumber, target, hops and action land in their fields", "[ptp][message]") {
  ManagementRequest r = time_status_request();
  r.transport_specific = 1;
  r.domain_number = 24;
  r.sequence_id = 0x1234;
  r.target = PortIdentity{ClockIdentity{{1, 2, 3, 4, 5, 6, 7, 8}}, 2};
  r.boundary_hops = 0;
  r.action = Action::set;
  r.id = ManagementId::synchronization_uncertain_np;
  r.data = {0x00, 0x00};
  const Bytes b = encode_management_request(r);
  REQUIRE(b.size() == 56);
  CHECK(b[0] == 0x1d);
  CHECK(b[2] == 0x00);
  CHECK(b[3] == 56);  // messageLength equals the datagram length
  CHECK(b[4] == 24);
  CHECK(b[30] == 0x12);
  CHECK(b[31] == 0x34);
  CHECK(Bytes(b.begin() + 34, b.begin() + 44) == Bytes{1, 2, 3, 4, 5, 6, 7, 8, 0, 2});
  CHECK(b[44] == 0);
  CHECK(b[45] == 0);
  CHECK(b[46] == 1);  // SET
  CHECK(b[50] == 0x00);
  CHECK(b[51] == 0x04);  // lengthField = 2 + 2 data bytes
  CHECK(b[52] == 0xc0);
  CHECK(b[53] == 0x06);
}

TEST_CASE("an odd dataField is padded to an even TLV length", "[ptp][message]") {
  ManagementRequest r = time_status_request();
  r.action = Action::set;
  r.data = {0xab};
  const Bytes b = encode_management_request(r);
  REQUIRE(b.size() == 56);
  CHECK(b[3] == 56);
  CHECK(b[51] == 4);
  CHECK(b[54] == 0xab);
  CHECK(b[55] == 0x00);
}

TEST_CASE("transportSpecific wider than 4 bits is refused", "[ptp][message]") {
  ManagementRequest r = time_status_request();
  r.transport_specific = 16;
  CHECK_THROWS_AS(encode_management_request(r), std::invalid_argument);
}

TEST_CASE("ptp4l's TIME_STATUS_NP response decodes field by field", "[ptp][message]") {
  const ManagementMessage m = decode_management_message(kTimeStatusResponse);
  CHECK(m.transport_specific == 0);
  CHECK(m.version_ptp == 2);
  CHECK(m.domain_number == 0);
  CHECK(to_string(m.source) == "0eeb4d.fffe.f4fac8-0");
  CHECK(m.sequence_id == 8);
  CHECK(m.target == PortIdentity{ClockIdentity{}, 0x37b9});
  CHECK(m.starting_boundary_hops == 0);
  CHECK(m.boundary_hops == 0);
  CHECK(m.action == Action::response);
  CHECK(m.id == ManagementId::time_status_np);
  CHECK_FALSE(m.error.has_value());
  CHECK(m.data.size() == 50);
  CHECK(m.data.front() == 0xff);
  CHECK(m.data.back() == 0x17);
}

TEST_CASE("a decoded request round-trips through the encoder", "[ptp][message]") {
  const ManagementMessage m = decode_management_message(kGetTimeStatusRequest);
  CHECK(m.action == Action::get);
  CHECK(m.id == ManagementId::time_status_np);
  CHECK(m.source.port_number == 0x36fd);
  CHECK(m.target == PortIdentity::wildcard());
  CHECK(m.data.empty());
}

TEST_CASE("MANAGEMENT_ERROR_STATUS decodes with its name and display text", "[ptp][message]") {
  // Same header as the live response, TLV replaced: NOT_SUPPORTED for PORT_STATS_NP, then
  // PTPText "no" (length 1 + 2 chars + 1 pad byte -> TLV length 12).
  Bytes b(kTimeStatusResponse.begin(), kTimeStatusResponse.begin() + 48);
  const Bytes tlv = from_hex("0002 000c 0006 c005 00000000 02 6e6f 00");
  b.insert(b.end(), tlv.begin(), tlv.end());
  b[2] = 0;
  b[3] = static_cast<std::uint8_t>(b.size());
  const ManagementMessage m = decode_management_message(b);
  REQUIRE(m.error.has_value());
  CHECK(m.error->error == ManagementErrorId::not_supported);
  CHECK(management_error_name(m.error->error) == "NOT_SUPPORTED");
  CHECK(m.error->display_data == "no");
  CHECK(m.id == ManagementId::port_stats_np);
  CHECK(m.data.empty());
}

TEST_CASE("error and ID names", "[ptp][message]") {
  CHECK(management_error_name(ManagementErrorId::response_too_big) == "RESPONSE_TOO_BIG");
  CHECK(management_error_name(ManagementErrorId::no_such_id) == "NO_SUCH_ID");
  CHECK(management_error_name(ManagementErrorId::wrong_length) == "WRONG_LENGTH");
  CHECK(management_error_name(ManagementErrorId::wrong_value) == "WRONG_VALUE");
  CHECK(management_error_name(ManagementErrorId::not_setable) == "NOT_SETABLE");
  CHECK(management_error_name(ManagementErrorId::general_error) == "GENERAL_ERROR");
  CHECK(management_error_name(static_cast<ManagementErrorId>(7)) == "0x0007");
  CHECK(management_id_name(ManagementId::synchronization_uncertain_np) == "SYNCHRONIZATION_UNCERTAIN_NP");
  CHECK(management_id_name(static_cast<ManagementId>(0xc00f)) == "0xc00f");
  CHECK(is_port_level(ManagementId::port_data_set));
  CHECK_FALSE(is_port_level(ManagementId::time_status_np));
}

TEST_CASE("malformed datagrams give errors that name the problem", "[ptp][message]") {
  SECTION("empty") {
    CHECK_THROWS_WITH(decode_management_message(Bytes{}), Catch::Contains("too short for messageType"));
  }
  SECTION("truncated: messageLength larger than the datagram") {
    const Bytes cut(kTimeStatusResponse.begin(), kTimeStatusResponse.begin() + 60);
    CHECK_THROWS_WITH(decode_management_message(cut),
                      Catch::Contains("messageLength says 104 bytes but the datagram has 60"));
  }
  SECTION("not a management message") {
    Bytes b = kTimeStatusResponse;
    b[0] = 0x00;  // Sync
    CHECK_THROWS_WITH(decode_management_message(b), Catch::Contains("not a management message"));
  }
  SECTION("wrong PTP version") {
    Bytes b = kTimeStatusResponse;
    b[1] = 0x01;
    CHECK_THROWS_WITH(decode_management_message(b), Catch::Contains("versionPTP 1"));
  }
  SECTION("TLV length running past the end") {
    Bytes b = kTimeStatusResponse;
    b[51] = 0x40;  // 64 > 56 bytes left
    CHECK_THROWS_WITH(decode_management_message(b), Catch::Contains("TLV value (lengthField)"));
  }
  SECTION("unknown TLV type") {
    Bytes b = kTimeStatusResponse;
    b[49] = 0x03;
    CHECK_THROWS_WITH(decode_management_message(b), Catch::Contains("unexpected TLV type 0x0003"));
  }
  SECTION("header shorter than 52 bytes with a consistent messageLength") {
    Bytes b(kTimeStatusResponse.begin(), kTimeStatusResponse.begin() + 40);
    b[3] = 40;
    CHECK_THROWS_AS(decode_management_message(b), MalformedMessage);
  }
  SECTION("error status TLV shorter than 8 bytes") {
    Bytes b(kTimeStatusResponse.begin(), kTimeStatusResponse.begin() + 48);
    const Bytes tlv = from_hex("0002 0004 0006 c005");
    b.insert(b.end(), tlv.begin(), tlv.end());
    b[3] = static_cast<std::uint8_t>(b.size());
    CHECK_THROWS_WITH(decode_management_message(b), Catch::Contains("MANAGEMENT_ERROR_STATUS TLV is 4 bytes"));
  }
  SECTION("display text longer than its TLV") {
    Bytes b(kTimeStatusResponse.begin(), kTimeStatusResponse.begin() + 48);
    const Bytes tlv = from_hex("0002 000a 0006 c005 00000000 09 6e");
    b.insert(b.end(), tlv.begin(), tlv.end());
    b[3] = static_cast<std::uint8_t>(b.size());
    CHECK_THROWS_WITH(decode_management_message(b), Catch::Contains("displayData text"));
  }
}

TEST_CASE("every truncation of a valid response is rejected, never read past", "[ptp][message]") {
  for (std::size_t n = 0; n < kTimeStatusResponse.size(); ++n) {
    Bytes cut(kTimeStatusResponse.begin(), kTimeStatusResponse.begin() + static_cast<std::ptrdiff_t>(n));
    if (n >= 4) {  // make messageLength agree so the TLV checks are the ones that fire
      cut[2] = static_cast<std::uint8_t>(n >> 8);
      cut[3] = static_cast<std::uint8_t>(n);
    }
    CHECK_THROWS_AS(decode_management_message(cut), MalformedMessage);
  }
}
