#pragma once
// takt's client of ptp4l's management protocol on its UNIX datagram socket (uds_address).
// Synchronous: each call sends one request and collects the replies that match it. One thread
// at a time per instance; give each thread its own client if needed (they are cheap).
//
// ptp4l answers with sendto() to the requester's address, so the client binds a pathname
// socket of its own (unique per instance, removed by the destructor). Pathname sockets work
// across network namespaces, so a ptp4l inside a netns is reachable through its socket path.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "ptp/clock_identity.hpp"
#include "ptp/data_sets.hpp"
#include "ptp/management_message.hpp"

namespace takt::ptp {

struct ManagementClientOptions {
  std::string uds_address = "/var/run/ptp4l";  // ptp4l's uds_address (the read-write one for SET)
  std::uint8_t transport_specific = 0;         // 1 for gPTP/automotive configs
  std::uint8_t domain_number = 0;              // ptp4l's domainNumber
  std::chrono::milliseconds timeout{500};      // how long to wait for the replies to one request
  // When the number of replies is not known in advance, how long to keep listening after the
  // last one (ptp4l sends them back to back, so this can be short).
  std::chrono::milliseconds linger{50};
  std::string local_directory = "/tmp";  // where the client's own socket is bound
  // Ask another clock of the PTP domain through this ptp4l: every request is addressed to that
  // clockIdentity and may cross `boundary_hops` boundary clocks. ptp4l forwards a request out of
  // its network ports while hops remain, and hands the remote clock's answer back to us. Unset:
  // the ptp4l behind the socket answers itself.
  std::optional<ClockIdentity> remote_clock;
  std::uint8_t boundary_hops = 1;
};

class PtpManagementClient {
 public:
  // Binds the client's socket; throws TransportError if that fails (e.g. the directory is not
  // writable or the path would exceed the 108-byte sun_path limit). Nothing is sent yet.
  explicit PtpManagementClient(ManagementClientOptions options);
  ~PtpManagementClient();
  PtpManagementClient(const PtpManagementClient&) = delete;
  PtpManagementClient& operator=(const PtpManagementClient&) = delete;
  PtpManagementClient(PtpManagementClient&& other) noexcept;
  PtpManagementClient& operator=(PtpManagementClient&& other) noexcept;

  const ManagementClientOptions& options() const { return options_; }
  const std::string& local_path() const { return local_path_; }

  // Sends one request and returns every reply with its sequenceId, in arrival order, error
  // status replies included. Stops after `expected_replies` replies, or, when that is 0
  // (unknown), `linger` after the last reply. Throws TransportError if the socket cannot be
  // used or nothing arrives within `timeout`, MalformedMessage if a reply does not parse.
  std::vector<ManagementMessage> exchange(Action action, ManagementId id, const Bytes& data = {},
                                          PortIdentity target = PortIdentity::wildcard(),
                                          std::size_t expected_replies = 1);

  // Typed GETs of clock-level data sets. Throw ManagementErrorResponse when ptp4l answers with
  // MANAGEMENT_ERROR_STATUS, plus the errors of exchange().
  TimeStatusNp time_status_np();
  DefaultDataSet default_data_set();
  CurrentDataSet current_data_set();
  ParentDataSet parent_data_set();
  TimePropertiesDataSet time_properties_data_set();
  SyncUncertain synchronization_uncertain_np();

  // PORT_DATA_SET of every port, sorted by port number. The number of ports comes from
  // DEFAULT_DATA_SET (asked once and remembered), so the call returns as soon as all answered;
  // ports that stay silent past `timeout` are left out.
  std::vector<PortDataSet> port_data_sets();

  // SET SYNCHRONIZATION_UNCERTAIN_NP; returns the value ptp4l echoes. Works only on the
  // read-write socket (ptp4l 4.x's uds_ro_address answers NOT_SUPPORTED).
  SyncUncertain set_synchronization_uncertain_np(SyncUncertain value);

 private:
  ManagementMessage exchange_one(Action action, ManagementId id, const Bytes& data = {});
  void send_request(const Bytes& datagram, Action action, ManagementId id);
  void close_and_unlink() noexcept;

  ManagementClientOptions options_;
  std::string local_path_;
  UniqueFd fd_;
  PortIdentity source_;
  std::uint16_t next_sequence_id_ = 0;
  std::optional<std::uint16_t> number_ports_;
};

}  // namespace takt::ptp
