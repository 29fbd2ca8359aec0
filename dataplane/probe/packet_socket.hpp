#pragma once
// An AF_PACKET raw socket on one network interface: whole Ethernet frames out (the talker) or
// in with the kernel's software receive timestamp (the listener). Linux only; needs
// CAP_NET_RAW. Errors name the interface and what to check.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "dataplane/core/mac_address.hpp"
#include "dataplane/core/time.hpp"

namespace takt::probe {

class PacketSocket {
 public:
  // A socket that only sends. priority becomes SO_PRIORITY, so an end station's taprio or
  // mqprio qdisc queues the frames in the stream's traffic class.
  static PacketSocket for_sending(const std::string& interface, int priority);
  // A socket that receives probe frames only (a socket filter drops other traffic in the
  // kernel), not the host's own transmissions, each with a CLOCK_REALTIME timestamp.
  static PacketSocket for_receiving(const std::string& interface, int receive_buffer_bytes = 8 << 20);

  PacketSocket(PacketSocket&& other) noexcept;
  PacketSocket& operator=(PacketSocket&&) = delete;
  PacketSocket(const PacketSocket&) = delete;
  ~PacketSocket();

  const std::string& interface() const { return interface_; }
  const MacAddress& mac() const { return mac_; }

  // 0 on success, else the errno (ENOBUFS when the interface queue is full).
  int send(std::span<const std::byte> frame) noexcept;

  struct Received {
    std::span<const std::byte> frame;  // valid until the next receive()
    Nanos realtime{0};                 // kernel receive time, CLOCK_REALTIME; 0 if none came
  };
  // Waits up to `timeout` for frames and returns those that arrived (possibly none), at most
  // batch size (set by the first call). Throws std::runtime_error on a socket error.
  std::span<const Received> receive(Nanos timeout, std::size_t batch = 64);

  // Frames the kernel dropped because this socket's buffer was full, since the last call.
  std::uint64_t take_drops() noexcept;

 private:
  PacketSocket(UniqueFd fd, std::string interface, MacAddress mac);

  UniqueFd fd_;
  std::string interface_;
  MacAddress mac_;

  // recvmmsg buffers, allocated by the first receive().
  struct Batch;
  std::unique_ptr<Batch> batch_;
};

}  // namespace takt::probe
