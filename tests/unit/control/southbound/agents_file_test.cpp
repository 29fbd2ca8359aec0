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

std::string netconf_error_of(const std::string& text) {
  try {
    load_agents_file(write("bad.yaml", text));
  } catch (const AgentsFileError& e) {
    return e.what();
  }
  return "no error";
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

TEST_CASE("agents.yaml: NETCONF bridges with user, port, key, known hosts and YANG folders",
          "[southbound][agents][netconf]") {
  const auto path = write("agents.yaml", R"(defaults:
  ca: pki/ca.pem
  ssh-key: keys/takt_ed25519
  known-hosts: keys/known_hosts
agents:
  sw1: https://127.0.0.1:8443
  sw2: netconf://takt@10.0.0.3
  sw3:
    url: netconf://admin@[fd00::3]:2830
    netconf-content: schedule
    netconf-fallback: edit-running
    ptp-clock: 0eeb4d.fffe.f4fac8
    ptp-via: run/ptp4l
    ptp-transport-specific: 1
    ptp-domain: 24
    ptp-boundary-hops: 3
    yang-dir: yang:/opt/vendor/yang
)");
  const auto agents = load_agents_file(path);
  const auto dir = std::filesystem::path(path).parent_path();
  REQUIRE(agents.size() == 3);
  CHECK(agents[0].protocol == BridgeProtocol::takt_agent);
  const AgentEndpoint& sw2 = agents[1];
  CHECK(sw2.protocol == BridgeProtocol::netconf);
  CHECK(sw2.ssh_user == "takt");
  CHECK(sw2.host == "10.0.0.3");
  CHECK(sw2.port == 830);  // RFC 6242's port
  CHECK_FALSE(sw2.tls);
  CHECK(sw2.ssh_key_file == (dir / "keys/takt_ed25519").string());
  CHECK(sw2.known_hosts_file == (dir / "keys/known_hosts").string());
  CHECK(sw2.netconf_content == NetconfContent::all);
  CHECK(sw2.netconf_fallback == NetconfFallback::refuse);  // a switch without candidate is refused
  CHECK(sw2.yang_dirs.empty());
  const AgentEndpoint& sw3 = agents[2];
  CHECK(sw3.ssh_user == "admin");
  CHECK(sw3.host == "fd00::3");
  CHECK(sw3.port == 2830);
  CHECK(sw3.netconf_content == NetconfContent::schedule);
  CHECK(sw3.netconf_fallback == NetconfFallback::edit_running);
  CHECK(sw3.ptp_clock == "0eeb4d.fffe.f4fac8");
  CHECK(sw3.ptp_via == (dir / "run/ptp4l").string());
  CHECK(sw3.ptp_transport_specific == 1);
  CHECK(sw3.ptp_domain == 24);
  CHECK(sw3.ptp_boundary_hops == 3);
  CHECK(sw2.ptp_clock.empty());  // its clock is not read
  CHECK(sw2.ptp_via == "/var/run/ptp4l");
  CHECK(sw3.yang_dirs == std::vector<std::string>{(dir / "yang").string(), "/opt/vendor/yang"});
  CHECK(sw3.label() == "sw3 (netconf://admin@[fd00::3]:2830)");
}

TEST_CASE("agents.yaml: NETCONF mistakes are named", "[southbound][agents][netconf]") {
  CHECK_THAT(netconf_error_of("agents:\n  sw1: netconf://10.0.0.3\n"), Catch::Contains("needs the SSH user"));
  CHECK_THAT(netconf_error_of("agents:\n  sw1: netconf://ro;ot@10.0.0.3\n"), Catch::Contains("only letters, digits"));
  CHECK_THAT(netconf_error_of("agents:\n  sw1: netconf://takt@10.0.0.3\n"),
             Catch::Contains("bad.yaml:2:3") && Catch::Contains("\"ssh-key\"") && Catch::Contains("\"known-hosts\""));
  CHECK_THAT(netconf_error_of("defaults: {ssh-key: k, known-hosts: h}\nagents:\n  sw1: {url: \"netconf://t@h\", "
                              "netconf-content: most}\n"),
             Catch::Contains("netconf-content must be"));
  CHECK_THAT(netconf_error_of("defaults: {ssh-key: k, known-hosts: h}\nagents:\n  sw1: {url: \"netconf://t@h\", "
                              "netconf-fallback: edit-candidate}\n"),
             Catch::Contains("bad.yaml:3:") && Catch::Contains("netconf-fallback must be"));
  CHECK_THAT(netconf_error_of("defaults: {ssh-key: k, known-hosts: h}\nagents:\n  sw1: {url: \"netconf://t@h\", "
                              "ptp-clock: 0eeb4d.f4fac8}\n"),
             Catch::Contains("ptp-clock must be a clockIdentity"));
  CHECK_THAT(netconf_error_of("defaults: {ssh-key: k, known-hosts: h}\nagents:\n  sw1: {url: \"netconf://t@h\", "
                              "ptp-transport-specific: 16}\n"),
             Catch::Contains("ptp-transport-specific must be 0 to 15"));
  CHECK_THAT(netconf_error_of("defaults: {ssh-key: k, known-hosts: h}\nagents:\n  sw1: {url: \"netconf://t@h\", "
                              "ptp-domain: many}\n"),
             Catch::Contains("ptp-domain must be 0 to 255"));
  CHECK_THROWS_WITH(load_station_endpoints(write("st.yaml",
                                                 "defaults: {ssh-key: k, known-hosts: h}\nagents: {}\n"
                                                 "stations:\n  plc: netconf://t@h\n")),
                    Catch::Contains("reached over https, not NETCONF"));
  CHECK_THAT(netconf_error_of("agents:\n  sw1: ftp://h\n"), Catch::Contains("netconf:// for NETCONF bridges"));
}
