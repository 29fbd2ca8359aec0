// PtpManagementClient over real UNIX datagram sockets, against a fake ptp4l that answers with
// byte-exact messages (the live-ptp4l test is in tests/integration/ptp).
#include <sys/stat.h>

#include <chrono>

#include <catch2/catch.hpp>

#include "ptp/clock_health.hpp"
#include "ptp/management_client.hpp"
#include "fake_ptp4l.hpp"
#include "hex.hpp"

using namespace takt::ptp;
using takt::Nanos;
using takt::ptp::test::error_response_to;
using takt::ptp::test::FakePtp4l;
using takt::ptp::test::from_hex;
using takt::ptp::test::kFakeClock;
using takt::ptp::test::response_to;
using Clock = std::chrono::steady_clock;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

ManagementClientOptions options_for(const FakePtp4l& fake, std::chrono::milliseconds timeout) {
  ManagementClientOptions o;
  o.uds_address = fake.path();
  o.timeout = timeout;
  o.local_directory = fake.directory();
  return o;
}

const Bytes kTimeStatus = from_hex(
    "ffffffffffffffc5 18eaaff0214e4508 00000000 00000000 0000 000000000000000000000000 00000001 6261fbfffed94217");
const Bytes kDefaultTwoPorts = from_hex("01 00 0002 80 f8 fe ffff 80 0eeb4dfffef4fac8 00 00");

Bytes port_data_set(std::uint16_t port, PortState state) {
  Bytes b = from_hex("0eeb4dfffef4fac8 0000 00 00 0000000000000000 01 03 00 01 00 02");
  b[9] = static_cast<std::uint8_t>(port);
  b[10] = static_cast<std::uint8_t>(state);
  return b;
}

}  // namespace

TEST_CASE("client asks with its transportSpecific and domain and decodes the answer", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage& req) {
    return std::vector<Bytes>{response_to(req, 0, ManagementId::time_status_np, kTimeStatus)};
  });
  ManagementClientOptions o = options_for(fake, std::chrono::milliseconds{1000});
  o.transport_specific = 1;
  o.domain_number = 7;
  PtpManagementClient client(o);

  const TimeStatusNp t = client.time_status_np();
  CHECK(t.master_offset == Nanos{-59});
  CHECK(t.gm_present);
  CHECK(to_string(t.gm_identity) == "6261fb.fffe.d94217");

  const auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].transport_specific == 1);
  CHECK(requests[0].domain_number == 7);
  CHECK(requests[0].action == Action::get);
  CHECK(requests[0].id == ManagementId::time_status_np);
  CHECK(requests[0].starting_boundary_hops == 0);
  CHECK(requests[0].boundary_hops == 0);
  CHECK(requests[0].target == PortIdentity::wildcard());
  CHECK(requests[0].data.empty());

  // Sequence ids advance per request.
  client.time_status_np();
  const auto again = fake.requests();
  REQUIRE(again.size() == 2);
  CHECK(again[1].sequence_id == static_cast<std::uint16_t>(again[0].sequence_id + 1));
}

TEST_CASE("one reply per port is collected, stale replies are dropped, ports come sorted", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage& req) {
    if (req.id == ManagementId::default_data_set) {
      return std::vector<Bytes>{response_to(req, 0, req.id, kDefaultTwoPorts)};
    }
    ManagementMessage stale = req;
    stale.sequence_id = static_cast<std::uint16_t>(req.sequence_id - 1);
    return std::vector<Bytes>{response_to(stale, 1, req.id, port_data_set(1, PortState::faulty)),
                              response_to(req, 2, req.id, port_data_set(2, PortState::master)),
                              response_to(req, 1, req.id, port_data_set(1, PortState::slave))};
  });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{2000}));
  const auto start = Clock::now();
  const std::vector<PortDataSet> ports = client.port_data_sets();
  const auto elapsed = Clock::now() - start;
  REQUIRE(ports.size() == 2);
  CHECK(ports[0].port_identity.port_number == 1);
  CHECK(ports[0].port_state == PortState::slave);
  CHECK(ports[1].port_identity.port_number == 2);
  CHECK(ports[1].port_state == PortState::master);
  // numberPorts is known, so the client stops at the second reply instead of waiting out the timeout.
  CHECK(elapsed < std::chrono::milliseconds{1000});
}

TEST_CASE("exchange with an unknown reply count lingers after the last reply", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage& req) {
    return std::vector<Bytes>{response_to(req, 1, req.id, port_data_set(1, PortState::listening)),
                              response_to(req, 2, req.id, port_data_set(2, PortState::passive)),
                              response_to(req, 3, req.id, port_data_set(3, PortState::disabled))};
  });
  ManagementClientOptions o = options_for(fake, std::chrono::milliseconds{2000});
  o.linger = std::chrono::milliseconds{100};
  PtpManagementClient client(o);
  const auto start = Clock::now();
  const auto replies = client.exchange(Action::get, ManagementId::port_data_set, {}, PortIdentity::wildcard(), 0);
  const auto elapsed = Clock::now() - start;
  REQUIRE(replies.size() == 3);
  CHECK(decode_port_data_set(replies[2].data).port_state == PortState::disabled);
  CHECK(elapsed >= std::chrono::milliseconds{100});
  CHECK(elapsed < std::chrono::milliseconds{1500});
}

TEST_CASE("silence times out with an error naming the socket and the request", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage&) { return std::vector<Bytes>{}; });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{200}));
  const auto start = Clock::now();
  try {
    client.time_status_np();
    FAIL("expected a timeout");
  } catch (const TransportError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("no answer from ptp4l at " + fake.path() + " within 200 ms"));
    CHECK_THAT(what, Catch::Contains("GET TIME_STATUS_NP"));
    CHECK_THAT(what, Catch::Contains("is it running? is uds_address right?"));
  }
  CHECK(Clock::now() - start >= std::chrono::milliseconds{200});
}

TEST_CASE("a socket path nobody created fails at once, naming the path", "[ptp][client]") {
  ManagementClientOptions o;
  o.uds_address = "/tmp/takt-no-such-ptp4l-socket/ptp4l";
  PtpManagementClient client(o);
  const auto start = Clock::now();
  CHECK_THROWS_WITH(client.time_status_np(),
                    Catch::Contains("ptp4l at /tmp/takt-no-such-ptp4l-socket/ptp4l: no such socket"));
  CHECK(Clock::now() - start < std::chrono::milliseconds{100});
}

TEST_CASE("MANAGEMENT_ERROR_STATUS becomes ManagementErrorResponse with the error's name", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage& req) {
    return std::vector<Bytes>{error_response_to(req, ManagementErrorId::not_supported)};
  });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{1000}));
  try {
    client.set_synchronization_uncertain_np(SyncUncertain::no);
    FAIL("expected an error status");
  } catch (const ManagementErrorResponse& e) {
    CHECK(e.error_id() == 6);
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("answered SET SYNCHRONIZATION_UNCERTAIN_NP with NOT_SUPPORTED"));
    CHECK_THAT(what, Catch::Contains("read-write uds_address"));
  }
}

TEST_CASE("SET SYNCHRONIZATION_UNCERTAIN_NP sends the value and returns ptp4l's echo", "[ptp][client]") {
  FakePtp4l fake(
      [](const ManagementMessage& req) { return std::vector<Bytes>{response_to(req, 0, req.id, req.data)}; });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{1000}));
  CHECK(client.set_synchronization_uncertain_np(SyncUncertain::no) == SyncUncertain::no);
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].action == Action::set);
  CHECK(requests[0].data == Bytes{0x00, 0x00});
}

TEST_CASE("a malformed reply is reported as such, with the socket path", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage& req) {
    Bytes b = response_to(req, 0, req.id, kTimeStatus);
    b.resize(70);  // messageLength still says 104
    return std::vector<Bytes>{b};
  });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{1000}));
  try {
    client.time_status_np();
    FAIL("expected a malformed message");
  } catch (const MalformedMessage& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("malformed answer from ptp4l at " + fake.path()));
    CHECK_THAT(std::string(e.what()), Catch::Contains("messageLength says 104 bytes but the datagram has 70"));
  }
}

TEST_CASE("a data set too short for its type is reported, not read past", "[ptp][client]") {
  FakePtp4l fake(
      [](const ManagementMessage& req) { return std::vector<Bytes>{response_to(req, 0, req.id, Bytes(10, 0))}; });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{1000}));
  CHECK_THROWS_WITH(client.parent_data_set(), Catch::Contains("PARENT_DATA_SET is 10 bytes long"));
}

TEST_CASE("each client binds its own socket and removes it when destroyed", "[ptp][client]") {
  FakePtp4l fake([](const ManagementMessage&) { return std::vector<Bytes>{}; });
  std::string first_path;
  {
    PtpManagementClient a(options_for(fake, std::chrono::milliseconds{100}));
    PtpManagementClient b(options_for(fake, std::chrono::milliseconds{100}));
    first_path = a.local_path();
    CHECK(a.local_path() != b.local_path());
    CHECK(exists(a.local_path()));
    CHECK(exists(b.local_path()));
    PtpManagementClient moved(std::move(b));
    CHECK(exists(moved.local_path()));
  }
  CHECK_FALSE(exists(first_path));
}

TEST_CASE("an impossible local directory is refused with the path", "[ptp][client]") {
  ManagementClientOptions o;
  o.local_directory = "/nonexistent-takt-dir";
  CHECK_THROWS_WITH(PtpManagementClient(o), Catch::Contains("cannot bind the client socket /nonexistent-takt-dir/"));
  o.local_directory = "/tmp/" + std::string(120, 'x');
  CHECK_THROWS_WITH(PtpManagementClient(o), Catch::Contains("must be 1 to 107 bytes long"));
}

TEST_CASE("read_clock_health assembles one snapshot from six data sets", "[ptp][client][health]") {
  FakePtp4l fake([](const ManagementMessage& req) -> std::vector<Bytes> {
    switch (req.id) {
      case ManagementId::default_data_set:
        return {response_to(req, 0, req.id, kDefaultTwoPorts)};
      case ManagementId::port_data_set:
        return {response_to(req, 1, req.id, port_data_set(1, PortState::slave)),
                response_to(req, 2, req.id, port_data_set(2, PortState::master))};
      case ManagementId::time_status_np:
        return {response_to(req, 0, req.id, kTimeStatus)};
      case ManagementId::current_data_set:
        return {response_to(req, 0, req.id, from_hex("0001 0000000000480000 000000000b080000"))};
      case ManagementId::parent_data_set:
        return {response_to(req, 0, req.id,
                            from_hex("6261fbfffed94217 0001 00 00 ffff 7fffffff 64 f8 fe ffff f8 6261fbfffed94217"))};
      case ManagementId::time_properties_data_set:
        return {response_to(req, 0, req.id, from_hex("0025 00 a0"))};
      default:
        return {error_response_to(req, ManagementErrorId::not_supported)};
    }
  });
  PtpManagementClient client(options_for(fake, std::chrono::milliseconds{1000}));
  const ClockHealth h = read_clock_health(client);
  CHECK(to_string(h.clock_identity) == "0eeb4d.fffe.f4fac8");
  REQUIRE(h.ports.size() == 2);
  CHECK(h.ports[0].state == PortState::slave);
  CHECK(h.ports[1].state == PortState::master);
  CHECK(h.offset_from_master == Nanos{-59});
  CHECK(h.mean_path_delay == Nanos{2824});
  CHECK(h.steps_removed == 1);
  CHECK(to_string(h.grandmaster_identity) == "6261fb.fffe.d94217");
  CHECK(h.gm_present);
  CHECK(h.current_utc_offset == 37);
  CHECK_FALSE(h.current_utc_offset_valid);
  CHECK(h.utc_offset() == std::chrono::seconds{37});
  CHECK(assess(h, Nanos{100}).ok);
  CHECK(fake.requests().size() == 6);
}
