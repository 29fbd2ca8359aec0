// The watchdog that ends a NETCONF connect waiting on a reply that never comes, and the TCP
// connect under it, on loopback and socket pairs only.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#include "control/southbound/connect_watchdog.hpp"

using namespace takt;
using namespace takt::southbound;
using namespace std::chrono_literals;

TEST_CASE("the watchdog ends a read that waits past its limit, and only then") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  UniqueFd ours(pair[0]), peer(pair[1]);
  SECTION("nothing comes: the blocked read returns once the limit has passed") {
    const auto start = std::chrono::steady_clock::now();
    ConnectWatchdog watchdog(ours.get(), 200ms);
    char byte = 0;
    const auto got = ::read(ours.get(), &byte, 1);  // blocks: the peer never writes
    const auto waited = std::chrono::steady_clock::now() - start;
    watchdog.stop();
    CHECK(got == 0);  // the shutdown ends it as an end of file
    CHECK(watchdog.fired());
    CHECK(waited >= 150ms);
    CHECK(waited < 5s);
  }
  SECTION("stopped in time: the socket stays usable") {
    {
      ConnectWatchdog watchdog(ours.get(), 5s);
      watchdog.stop();
      CHECK_FALSE(watchdog.fired());
    }
    REQUIRE(::write(peer.get(), "x", 1) == 1);
    char byte = 0;
    CHECK(::read(ours.get(), &byte, 1) == 1);
    CHECK(byte == 'x');
  }
}

TEST_CASE("tcp_connect reaches a listener on loopback and says why it cannot") {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM, 0));
  REQUIRE(listener);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener.get(), 1) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const unsigned port = ntohs(address.sin_port);

  const UniqueFd connected = tcp_connect("127.0.0.1", port, 2s);
  CHECK(connected.valid());
  UniqueFd accepted(::accept(listener.get(), nullptr, nullptr));
  REQUIRE(accepted);
  REQUIRE(::write(accepted.get(), "y", 1) == 1);
  char byte = 0;
  CHECK(::read(connected.get(), &byte, 1) == 1);  // blocking again after the connect

  listener.reset();  // nobody listens on the port any more
  try {
    (void)tcp_connect("127.0.0.1", port, 2s);
    FAIL("connected to a closed port");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("TCP connect to 127.0.0.1 port " + std::to_string(port)) != std::string::npos);
  }
  CHECK_THROWS_WITH(tcp_connect("no-such-host.invalid", 830, 2s),
                    Catch::Contains("cannot resolve no-such-host.invalid"));
}
