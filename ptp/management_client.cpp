#include "ptp/management_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace takt::ptp {
namespace {

// Large enough for any management reply ptp4l sends (they are built in one Ethernet-MTU buffer).
constexpr std::size_t kReceiveBufferSize = 2048;

std::atomic<unsigned> g_instance_counter{0};

sockaddr_un unix_address(const std::string& path, const char* role) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    throw TransportError(
        fmt::format("{} socket path '{}' must be 1 to {} bytes long", role, path, sizeof(addr.sun_path) - 1));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

std::string describe(Action action, ManagementId id) {
  return fmt::format("{} {}", action_name(action), management_id_name(id));
}

}  // namespace

PtpManagementClient::PtpManagementClient(ManagementClientOptions options) : options_(std::move(options)) {
  const unsigned instance = g_instance_counter.fetch_add(1);
  const auto pid = static_cast<unsigned>(::getpid());
  local_path_ = fmt::format("{}/takt-pmc.{}.{}", options_.local_directory, pid, instance);
  // ptp4l keys subscriptions on sourcePortIdentity; make ours differ between instances. The
  // clock identity stays all-zero, which can never be ptp4l's own (ptp4l drops those).
  source_.port_number = static_cast<std::uint16_t>(((pid << 4) ^ instance) | 1);

  const sockaddr_un local = unix_address(local_path_, "client");
  (void)unix_address(options_.uds_address, "ptp4l");  // fail early on an impossible path

  fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd_) {
    throw TransportError(fmt::format("cannot create a UNIX datagram socket: {}", std::strerror(errno)));
  }
  // A file left by a crashed process that had the same pid would make bind() fail.
  ::unlink(local_path_.c_str());
  if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) {
    const int err = errno;
    fd_.reset();
    throw TransportError(
        fmt::format("cannot bind the client socket {} (ptp4l answers to it): {}", local_path_, std::strerror(err)));
  }
}

PtpManagementClient::~PtpManagementClient() { close_and_unlink(); }

PtpManagementClient::PtpManagementClient(PtpManagementClient&& other) noexcept
    : options_(std::move(other.options_)),
      local_path_(std::move(other.local_path_)),
      fd_(std::move(other.fd_)),
      source_(other.source_),
      next_sequence_id_(other.next_sequence_id_),
      number_ports_(other.number_ports_) {}

PtpManagementClient& PtpManagementClient::operator=(PtpManagementClient&& other) noexcept {
  if (this != &other) {
    close_and_unlink();
    options_ = std::move(other.options_);
    local_path_ = std::move(other.local_path_);
    fd_ = std::move(other.fd_);
    source_ = other.source_;
    next_sequence_id_ = other.next_sequence_id_;
    number_ports_ = other.number_ports_;
  }
  return *this;
}

void PtpManagementClient::close_and_unlink() noexcept {
  // The socket file is ours while the socket is: a moved-from client has neither.
  if (fd_) {
    fd_.reset();
    ::unlink(local_path_.c_str());
  }
}

void PtpManagementClient::send_request(const Bytes& datagram, Action action, ManagementId id) {
  const sockaddr_un server = unix_address(options_.uds_address, "ptp4l");
  ssize_t sent = -1;
  do {
    sent = ::sendto(fd_.get(), datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&server),
                    sizeof(server));
  } while (sent < 0 && errno == EINTR);
  if (sent >= 0) return;

  const int err = errno;
  const std::string what = describe(action, id);
  switch (err) {
    case ENOENT:
      throw TransportError(
          fmt::format("cannot send {} to ptp4l at {}: no such socket: is ptp4l running? is "
                      "uds_address right?",
                      what, options_.uds_address));
    case ECONNREFUSED:
      throw TransportError(
          fmt::format("cannot send {} to ptp4l at {}: nobody is listening there (a socket "
                      "file left by a ptp4l that exited?): is ptp4l running?",
                      what, options_.uds_address));
    case EACCES:
    case EPERM:
      throw TransportError(
          fmt::format("cannot send {} to ptp4l at {}: permission denied: run as root or "
                      "give this user write access to the socket",
                      what, options_.uds_address));
    default:
      throw TransportError(
          fmt::format("cannot send {} to ptp4l at {}: {}", what, options_.uds_address, std::strerror(err)));
  }
}

std::vector<ManagementMessage> PtpManagementClient::exchange(Action action, ManagementId id, const Bytes& data,
                                                             PortIdentity target, std::size_t expected_replies) {
  if (!fd_) throw TransportError("management client used after it was moved from");
  ManagementRequest request;
  request.transport_specific = options_.transport_specific;
  request.domain_number = options_.domain_number;
  request.source = source_;
  request.sequence_id = next_sequence_id_++;
  request.target = target;
  request.boundary_hops = 0;
  if (options_.remote_clock) {
    request.target.clock = *options_.remote_clock;
    request.boundary_hops = options_.boundary_hops;
  }
  request.action = action;
  request.id = id;
  request.data = data;
  send_request(encode_management_request(request), action, id);

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + options_.timeout;
  auto stop_at = deadline;
  std::vector<ManagementMessage> replies;
  std::array<std::uint8_t, kReceiveBufferSize> buffer{};

  while (expected_replies == 0 || replies.size() < expected_replies) {
    const auto now = Clock::now();
    if (now >= stop_at) break;
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(stop_at - now);
    pollfd pfd{fd_.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(wait.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw TransportError(fmt::format("waiting for ptp4l at {} to answer {}: {}", options_.uds_address,
                                       describe(action, id), std::strerror(errno)));
    }
    if (ready == 0) continue;  // the loop condition decides whether time is up

    const ssize_t got = ::recv(fd_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw TransportError(fmt::format("reading ptp4l's answer to {} from {}: {}", describe(action, id), local_path_,
                                       std::strerror(errno)));
    }
    ManagementMessage reply;
    try {
      reply = decode_management_message(ByteSpan(buffer.data(), static_cast<std::size_t>(got)));
    } catch (const MalformedMessage& e) {
      throw MalformedMessage(fmt::format("malformed answer from ptp4l at {} to {}: {}", options_.uds_address,
                                         describe(action, id), e.what()));
    }
    // Late answers to an earlier request that timed out carry an older sequenceId.
    if (reply.sequence_id != request.sequence_id || reply.target != source_ || reply.id != id) continue;
    replies.push_back(std::move(reply));
    if (expected_replies == 0) stop_at = std::min(deadline, Clock::now() + options_.linger);
  }

  if (replies.empty() && options_.remote_clock) {
    throw TransportError(fmt::format(
        "no answer from clock {} through ptp4l at {} within {} ms to {} (boundary hops {}, transportSpecific {}, "
        "domainNumber {}): is that clock in this ptp4l's PTP domain and within reach?",
        to_string(*options_.remote_clock), options_.uds_address, options_.timeout.count(), describe(action, id),
        options_.boundary_hops, options_.transport_specific, options_.domain_number));
  }
  if (replies.empty()) {
    throw TransportError(fmt::format(
        "no answer from ptp4l at {} within {} ms to {} (transportSpecific {}, domainNumber {}): is it running? "
        "is uds_address right? do transportSpecific and domainNumber match its config?",
        options_.uds_address, options_.timeout.count(), describe(action, id), options_.transport_specific,
        options_.domain_number));
  }
  return replies;
}

ManagementMessage PtpManagementClient::exchange_one(Action action, ManagementId id, const Bytes& data) {
  auto replies = exchange(action, id, data, PortIdentity::wildcard(), 1);
  ManagementMessage& reply = replies.front();
  if (reply.error) {
    std::string hint;
    if (action == Action::set && reply.error->error == ManagementErrorId::not_supported) {
      hint = " (SET is accepted only on ptp4l's read-write uds_address, not on uds_ro_address)";
    }
    throw ManagementErrorResponse(
        fmt::format("ptp4l at {} answered {} with {}{}{}{}", options_.uds_address, describe(action, id),
                    management_error_name(reply.error->error), reply.error->display_data.empty() ? "" : ": ",
                    reply.error->display_data, hint),
        static_cast<std::uint16_t>(reply.error->error));
  }
  return std::move(reply);
}

TimeStatusNp PtpManagementClient::time_status_np() {
  return decode_time_status_np(exchange_one(Action::get, ManagementId::time_status_np).data);
}

DefaultDataSet PtpManagementClient::default_data_set() {
  DefaultDataSet d = decode_default_data_set(exchange_one(Action::get, ManagementId::default_data_set).data);
  number_ports_ = d.number_ports;
  return d;
}

CurrentDataSet PtpManagementClient::current_data_set() {
  return decode_current_data_set(exchange_one(Action::get, ManagementId::current_data_set).data);
}

ParentDataSet PtpManagementClient::parent_data_set() {
  return decode_parent_data_set(exchange_one(Action::get, ManagementId::parent_data_set).data);
}

TimePropertiesDataSet PtpManagementClient::time_properties_data_set() {
  return decode_time_properties_data_set(exchange_one(Action::get, ManagementId::time_properties_data_set).data);
}

SyncUncertain PtpManagementClient::synchronization_uncertain_np() {
  return decode_synchronization_uncertain_np(
      exchange_one(Action::get, ManagementId::synchronization_uncertain_np).data);
}

SyncUncertain PtpManagementClient::set_synchronization_uncertain_np(SyncUncertain value) {
  return decode_synchronization_uncertain_np(
      exchange_one(Action::set, ManagementId::synchronization_uncertain_np, encode_synchronization_uncertain_np(value))
          .data);
}

std::vector<PortDataSet> PtpManagementClient::port_data_sets() {
  if (!number_ports_) default_data_set();
  std::vector<PortDataSet> ports;
  if (*number_ports_ == 0) return ports;
  for (const ManagementMessage& reply :
       exchange(Action::get, ManagementId::port_data_set, {}, PortIdentity::wildcard(), *number_ports_)) {
    if (reply.error) {
      throw ManagementErrorResponse(
          fmt::format("ptp4l at {} answered GET PORT_DATA_SET for port {} with {}", options_.uds_address,
                      reply.source.port_number, management_error_name(reply.error->error)),
          static_cast<std::uint16_t>(reply.error->error));
    }
    ports.push_back(decode_port_data_set(reply.data));
  }
  std::sort(ports.begin(), ports.end(), [](const PortDataSet& a, const PortDataSet& b) {
    return a.port_identity.port_number < b.port_identity.port_number;
  });
  return ports;
}

}  // namespace takt::ptp
