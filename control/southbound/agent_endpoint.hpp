#pragma once
// Where each bridge's agent listens and how to authenticate to it: agents.yaml.
//
//   defaults:                      # optional; every agent inherits these
//     ca: pki/ca.pem               # CA that signed the agents' server certificates
//     cert: pki/client-taktctl.pem # our client certificate (needed for writes)
//     key: pki/client-taktctl.key
//     connect-timeout-ms: 2000
//     request-timeout-ms: 5000
//   agents:
//     sw1: https://127.0.0.1:8443  # bridge name (as in the plant) -> URL
//     sw2:
//       url: https://10.0.0.2:8443
//       ca: other-ca.pem
//   stations:                      # optional: end stations running takt-station --api-port
//     plc: https://10.0.0.10:8444  # end-station name -> URL of its /api/v1/station
//
// Relative paths are relative to the agents.yaml folder. http:// URLs are accepted for agents
// run with --plain-http on loopback.
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace takt::southbound {

struct AgentEndpoint {
  std::string bridge;
  std::string url;  // as written
  bool tls = true;
  std::string host;
  std::uint16_t port = 0;
  std::string ca_file;
  std::string certificate_file;
  std::string private_key_file;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{5000};

  // "sw1 (https://127.0.0.1:8443)": how errors name the peer.
  std::string label() const { return bridge + " (" + url + ")"; }
};

class AgentsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses "https://host:port" / "http://host:port" ([v6] in brackets). Throws AgentsFileError.
void parse_agent_url(AgentEndpoint& endpoint, const std::string& url);

// Throws AgentsFileError naming the file, line and what is wrong. Sorted by bridge name.
std::vector<AgentEndpoint> load_agents_file(const std::string& path);
// The "stations" section (empty when there is none), entries named by end station in `bridge`.
std::vector<AgentEndpoint> load_station_endpoints(const std::string& path);

}  // namespace takt::southbound
