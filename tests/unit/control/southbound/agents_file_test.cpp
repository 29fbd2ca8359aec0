#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "control/southbound/agent_endpoint.hpp"

using namespace takt::southbound;

namespace {

std::string write(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "takt-agents-test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("agents.yaml: URLs, defaults and paths relative to the file", "[southbound][agents]") {
  const auto path = write("agents.yaml", R"(defaults:
  ca: pki/ca.pem
  cert: pki/client.pem
  key: pki/client.key
  request-timeout-ms: 700
agents:
  sw2: https://[::1]:9443
  sw1:
    url: https://sw1.cell.example:8443
    ca: /etc/takt/other-ca.pem
  lab: http://127.0.0.1:8080
)");
  const auto agents = load_agents_file(path);
  REQUIRE(agents.size() == 3);
  CHECK(agents[0].bridge == "lab");
  CHECK_FALSE(agents[0].tls);
  CHECK(agents[1].bridge == "sw1");
  CHECK(agents[1].host == "sw1.cell.example");
  CHECK(agents[1].port == 8443);
  CHECK(agents[1].ca_file == "/etc/takt/other-ca.pem");
  CHECK(agents[1].certificate_file == (std::filesystem::path(path).parent_path() / "pki/client.pem").string());
  CHECK(agents[2].host == "::1");
  CHECK(agents[2].port == 9443);
  CHECK(agents[2].request_timeout == std::chrono::milliseconds(700));
  CHECK(agents[2].label() == "sw2 (https://[::1]:9443)");
}

TEST_CASE("agents.yaml: mistakes are named with file, line and column", "[southbound][agents]") {
  auto error_of = [](const std::string& text) {
    try {
      load_agents_file(write("bad.yaml", text));
    } catch (const AgentsFileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("agents:\n  sw1: https://127.0.0.1:8443\n"),
             Catch::Contains("bad.yaml:2:3") && Catch::Contains("no \"ca\""));
  CHECK_THAT(error_of("agents:\n  sw1: {url: http://h:1, cert-file: x}\n"),
             Catch::Contains("unknown key \"cert-file\""));
  CHECK_THAT(error_of("agents:\n  sw1: ftp://h:1\n"), Catch::Contains("must start with https://"));
  CHECK_THAT(error_of("agents:\n  sw1: http://h:99999\n"), Catch::Contains("port \"99999\" is not 1..65535"));
  CHECK_THAT(error_of("agent:\n  sw1: http://h:1\n"), Catch::Contains("expected a map with \"agents\""));
}

TEST_CASE("agents.yaml: end stations running takt-station, with the same defaults", "[southbound][agents]") {
  const auto path = write("agents-stations.yaml", R"(defaults:
  ca: pki/ca.pem
  cert: pki/client.pem
  key: pki/client.key
agents:
  sw1: https://127.0.0.1:8443
stations:
  plc: https://10.0.0.10:8444
  io1:
    url: https://10.0.0.11:8444
    request-timeout-ms: 900
)");
  CHECK(load_agents_file(path).size() == 1);
  const auto stations = load_station_endpoints(path);
  REQUIRE(stations.size() == 2);
  CHECK(stations[0].bridge == "io1");
  CHECK(stations[0].request_timeout == std::chrono::milliseconds(900));
  CHECK(stations[1].label() == "plc (https://10.0.0.10:8444)");
  CHECK(stations[1].ca_file == (std::filesystem::path(path).parent_path() / "pki/ca.pem").string());
  // No "stations": none, and the file is still an agents file.
  const auto bare = write("agents-bare.yaml", "agents:\n  sw1: http://127.0.0.1:8080\n");
  CHECK(load_station_endpoints(bare).empty());
  const auto wrong = write("agents-wrong.yaml", "agents:\n  sw1: http://127.0.0.1:8080\nstations: [plc]\n");
  CHECK_THROWS_WITH(load_station_endpoints(wrong), Catch::Contains("\"stations\" must map end-station names"));
}
