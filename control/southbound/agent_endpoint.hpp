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
//     sw3:                         # a hardware bridge managed over NETCONF (RFC 6241) via SSH
//       url: netconf://takt@10.0.0.3:830
//       ssh-key: keys/takt_ed25519  # private key; its public half is ssh-key + ".pub"
//       known-hosts: keys/known_hosts  # OpenSSH known_hosts holding the switch's host key
//       netconf-content: all       # all (default): schedule and stream protection;
//                                  # schedule: only the 802.1Qbv gate tables
//       netconf-fallback: refuse   # a switch without :candidate or :confirmed-commit:1.1:
//                                  # refuse (default), or edit-running: lock running, edit it at
//                                  # commit, read it back, and put back what it held on failure
//       ptp-clock: 0eeb4d.fffe.f4fac8  # optional: the switch's PTP clockIdentity; its clock
//                                  # state is then read with PTP management (GETs addressed to
//                                  # it) through a ptp4l on this host in the same PTP domain:
//       ptp-via: /var/run/ptp4l    #   that ptp4l's uds_address (default /var/run/ptp4l)
//       ptp-transport-specific: 0  #   as in its config (1 for gPTP), and its domainNumber:
//       ptp-domain: 0
//       ptp-boundary-hops: 1       #   boundary clocks the request may cross to reach the switch
//       yang-dir: /opt/yang:yang   # optional: the YANG modules (':'-separated folders) to
//                                  # read the switch's data with, instead of fetching them from
//                                  # it with <get-schema> on every session
//   stations:                      # optional: end stations running takt-station --api-port
//     plc: https://10.0.0.10:8444  # end-station name -> URL of its /api/v1/station
//
// Relative paths are relative to the agents.yaml folder. http:// URLs are accepted for agents
// run with --plain-http on loopback. ssh-key and known-hosts may also sit under defaults. A
// NETCONF bridge's host key must be in known-hosts: an unknown or changed key is refused, never
// accepted on first use.
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace takt::southbound {

// How takt talks to a bridge: its own agent API over HTTPS, or NETCONF over SSH with the IEEE
// 802.1 YANG models (hardware switches).
enum class BridgeProtocol { takt_agent, netconf };

// What a NETCONF install writes: everything the plan has for the bridge, or only its gate
// tables (for switches whose stream protection is managed elsewhere or whose server lacks the
// protection models).
enum class NetconfContent { all, schedule };

// What to do with a NETCONF server that cannot take a confirmed commit through its candidate.
// edit_running still switches at the common base time, but a controller that dies between
// commit and confirm leaves the switch on the new plan (there is no timeout to revert it).
enum class NetconfFallback { refuse, edit_running };

struct AgentEndpoint {
  std::string bridge;
  std::string url;  // as written
  BridgeProtocol protocol = BridgeProtocol::takt_agent;
  bool tls = true;
  std::string host;
  std::uint16_t port = 0;
  std::string ca_file;
  std::string certificate_file;
  std::string private_key_file;
  // NETCONF only: the SSH user (from the URL), the private key and the known_hosts file.
  std::string ssh_user;
  std::string ssh_key_file;
  std::string known_hosts_file;
  NetconfContent netconf_content = NetconfContent::all;
  NetconfFallback netconf_fallback = NetconfFallback::refuse;
  std::vector<std::string> yang_dirs;  // empty: the server's modules through <get-schema>
  // NETCONF only: where the switch's clock state is read (empty identity: not read).
  std::string ptp_clock;  // clockIdentity as ptp4l prints it, checked at load
  std::string ptp_via = "/var/run/ptp4l";
  std::uint8_t ptp_transport_specific = 0;
  std::uint8_t ptp_domain = 0;
  std::uint8_t ptp_boundary_hops = 1;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{5000};

  // "sw1 (https://127.0.0.1:8443)": how errors name the peer.
  std::string label() const { return bridge + " (" + url + ")"; }
};

class AgentsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses "https://host:port" / "http://host:port" / "netconf://user@host:port" ([v6] in
// brackets; NETCONF's port defaults to 830). Throws AgentsFileError.
void parse_agent_url(AgentEndpoint& endpoint, const std::string& url);

// Throws AgentsFileError naming the file, line and what is wrong. Sorted by bridge name.
std::vector<AgentEndpoint> load_agents_file(const std::string& path);
// The "stations" section (empty when there is none), entries named by end station in `bridge`.
std::vector<AgentEndpoint> load_station_endpoints(const std::string& path);

}  // namespace takt::southbound
