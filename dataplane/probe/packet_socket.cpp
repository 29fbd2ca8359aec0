#include "dataplane/probe/packet_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "dataplane/core/frame.hpp"
#include "dataplane/probe/probe_header.hpp"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace takt::probe {

namespace {

constexpr std::size_t kFrameBuffer = 2048;  // a 1522-byte frame with room to spare
constexpr std::size_t kControlBuffer = 64;  // one SCM_TIMESTAMPNS

[[noreturn]] void fail(const std::string& interface, const std::string& what, int err) {
  std::string hint;
  if (err == EPERM || err == EACCES) hint = " (raw sockets need root or CAP_NET_RAW)";
  if (err == ENODEV || err == ENXIO) hint = " (is the interface in this network namespace? `ip link`)";
  throw std::runtime_error(interface + ": " + what + ": " + std::strerror(err) + hint);
}

struct InterfaceInfo {
  int index;
  MacAddress mac;
};

InterfaceInfo lookup(int fd, const std::string& interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) fail(interface, "not an interface name", EINVAL);
  ifreq req{};
  std::memcpy(req.ifr_name, interface.c_str(), interface.size() + 1);
  if (::ioctl(fd, SIOCGIFINDEX, &req) != 0) fail(interface, "no such interface", errno);
  InterfaceInfo info{req.ifr_ifindex, {}};
  if (::ioctl(fd, SIOCGIFHWADDR, &req) != 0) fail(interface, "cannot read its MAC address", errno);
  for (std::size_t i = 0; i < 6; ++i) info.mac.octets[i] = static_cast<std::uint8_t>(req.ifr_hwaddr.sa_data[i]);
  return info;
}

void bind_to(int fd, const std::string& interface, int index, std::uint16_t protocol) {
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(protocol);
  addr.sll_ifindex = index;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    fail(interface, "cannot bind a packet socket", errno);
}

// Accepts probe frames whether or not the kernel stripped their VLAN tag (it usually has, and
// then the filter sees the inner EtherType at offset 12).
void attach_probe_filter(int fd, const std::string& interface) {
  static sock_filter code[] = {
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
      {BPF_JMP | BPF_JEQ | BPF_K, 3, 0, kProbeEthertype},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, kTpidCustomerVlan},
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, 16},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, kProbeEthertype},
      {BPF_RET | BPF_K, 0, 0, 0x40000},
      {BPF_RET | BPF_K, 0, 0, 0},
  };
  sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
    fail(interface, "cannot attach the probe frame filter", errno);
}

}  // namespace

struct PacketSocket::Batch {
  explicit Batch(std::size_t n)
      : buffers(n * kFrameBuffer), controls(n * kControlBuffer), iov(n), headers(n), received(n) {
    for (std::size_t i = 0; i < n; ++i) {
      iov[i] = {buffers.data() + i * kFrameBuffer, kFrameBuffer};
    }
  }
  std::vector<std::byte> buffers;
  std::vector<std::byte> controls;
  std::vector<iovec> iov;
  std::vector<mmsghdr> headers;
  std::vector<Received> received;
};

PacketSocket::PacketSocket(UniqueFd fd, std::string interface, MacAddress mac)
    : fd_(std::move(fd)), interface_(std::move(interface)), mac_(mac) {}

PacketSocket::PacketSocket(PacketSocket&& other) noexcept = default;

PacketSocket::~PacketSocket() = default;

PacketSocket PacketSocket::for_sending(const std::string& interface, int priority) {
  // Protocol 0: this socket receives nothing.
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(interface, "cannot open a packet socket", errno);
  PacketSocket s(UniqueFd(fd), interface, {});
  const InterfaceInfo info = lookup(fd, interface);
  s.mac_ = info.mac;
  bind_to(fd, interface, info.index, 0);
  if (::setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &priority, sizeof priority) != 0)
    fail(interface, "cannot set SO_PRIORITY " + std::to_string(priority), errno);
  return s;
}

PacketSocket PacketSocket::for_receiving(const std::string& interface, int receive_buffer_bytes) {
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) fail(interface, "cannot open a packet socket", errno);
  PacketSocket s(UniqueFd(fd), interface, {});
  const InterfaceInfo info = lookup(fd, interface);
  s.mac_ = info.mac;
  // Filter before binding so no foreign frame is queued in between.
  attach_probe_filter(fd, interface);
  const int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
    fail(interface, "cannot enable SO_TIMESTAMPNS receive timestamps", errno);
  // FORCE may exceed rmem_max (as root); fall back to the capped size otherwise.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes, sizeof receive_buffer_bytes) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
  // A talker on the same interface must not be measured as received; best effort (Linux >= 4.20).
  ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  bind_to(fd, interface, info.index, ETH_P_ALL);
  s.take_drops();  // start counting from here
  return s;
}

int PacketSocket::send(std::span<const std::byte> frame) noexcept {
  const ssize_t n = ::send(fd_.get(), frame.data(), frame.size(), 0);
  if (n < 0) return errno;
  return n == static_cast<ssize_t>(frame.size()) ? 0 : EMSGSIZE;
}

std::span<const PacketSocket::Received> PacketSocket::receive(Nanos timeout, std::size_t batch) {
  if (!batch_) batch_ = std::make_unique<Batch>(batch == 0 ? 1 : batch);
  Batch& b = *batch_;
  const std::size_t n = b.headers.size();

  pollfd p{fd_.get(), POLLIN, 0};
  const int timeout_ms = static_cast<int>(std::max<std::int64_t>(0, timeout.count() / 1'000'000));
  const int ready = ::poll(&p, 1, timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return {};
    fail(interface_, "poll on the packet socket failed", errno);
  }
  if (ready == 0) return {};

  for (std::size_t i = 0; i < n; ++i) {
    msghdr& h = b.headers[i].msg_hdr;
    h = {};
    h.msg_iov = &b.iov[i];
    h.msg_iovlen = 1;
    h.msg_control = b.controls.data() + i * kControlBuffer;
    h.msg_controllen = kControlBuffer;
  }
  const int got = ::recvmmsg(fd_.get(), b.headers.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  if (got < 0) {
    if (errno == EAGAIN || errno == EINTR) return {};
    fail(interface_, "receiving from the packet socket failed", errno);
  }
  for (int i = 0; i < got; ++i) {
    msghdr& h = b.headers[static_cast<std::size_t>(i)].msg_hdr;
    Received& r = b.received[static_cast<std::size_t>(i)];
    const auto len = std::min<std::size_t>(b.headers[static_cast<std::size_t>(i)].msg_len, kFrameBuffer);
    r.frame = {static_cast<const std::byte*>(b.iov[static_cast<std::size_t>(i)].iov_base), len};
    r.realtime = Nanos{0};
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        r.realtime = Nanos{std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec};
      }
    }
  }
  return {b.received.data(), static_cast<std::size_t>(got)};
}

std::uint64_t PacketSocket::take_drops() noexcept {
  tpacket_stats stats{};
  socklen_t len = sizeof stats;
  // Reading the statistics resets them in the kernel.
  if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &stats, &len) != 0) return 0;
  return stats.tp_drops;
}

}  // namespace takt::probe
