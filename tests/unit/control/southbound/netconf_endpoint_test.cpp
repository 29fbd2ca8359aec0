#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "control/southbound/agent_endpoint.hpp"

using namespace takt::southbound;

namespace {

std::string write(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "takt-netconf-endpoint-test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

std::string error_of(const std::string& text) {
  try {
    load_agents_file(write("bad.yaml", text));
  } catch (const AgentsFileError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

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
  CHECK(sw2.yang_dirs.empty());
  const AgentEndpoint& sw3 = agents[2];
  CHECK(sw3.ssh_user == "admin");
  CHECK(sw3.host == "fd00::3");
  CHECK(sw3.port == 2830);
  CHECK(sw3.netconf_content == NetconfContent::schedule);
  CHECK(sw3.yang_dirs == std::vector<std::string>{(dir / "yang").string(), "/opt/vendor/yang"});
  CHECK(sw3.label() == "sw3 (netconf://admin@[fd00::3]:2830)");
}

TEST_CASE("agents.yaml: NETCONF mistakes are named", "[southbound][agents][netconf]") {
  CHECK_THAT(error_of("agents:\n  sw1: netconf://10.0.0.3\n"), Catch::Contains("needs the SSH user"));
  CHECK_THAT(error_of("agents:\n  sw1: netconf://ro;ot@10.0.0.3\n"), Catch::Contains("only letters, digits"));
  CHECK_THAT(error_of("agents:\n  sw1: netconf://takt@10.0.0.3\n"),
             Catch::Contains("bad.yaml:2:3") && Catch::Contains("\"ssh-key\"") && Catch::Contains("\"known-hosts\""));
  CHECK_THAT(error_of("defaults: {ssh-key: k, known-hosts: h}\nagents:\n  sw1: {url: \"netconf://t@h\", "
                      "netconf-content: most}\n"),
             Catch::Contains("netconf-content must be"));
  CHECK_THROWS_WITH(load_station_endpoints(write("st.yaml",
                                                 "defaults: {ssh-key: k, known-hosts: h}\nagents: {}\n"
                                                 "stations:\n  plc: netconf://t@h\n")),
                    Catch::Contains("reached over https, not NETCONF"));
  CHECK_THAT(error_of("agents:\n  sw1: ftp://h\n"), Catch::Contains("netconf:// for NETCONF bridges"));
}
