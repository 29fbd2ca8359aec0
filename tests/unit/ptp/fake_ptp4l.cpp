#include "fake_ptp4l.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace takt::ptp::test {

FakePtp4l::FakePtp4l(Handler handler) : handler_(std::move(handler)) {
  char dir_template[] = "/tmp/takt-fake-ptp4l.XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = dir_template;
  path_ = directory_ + "/ptp4l";
  fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
  if (!fd_ || ::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    throw std::runtime_error("fake ptp4l cannot bind " + path_ + ": " + std::strerror(errno));
  }
  thread_ = std::thread([this] { serve(); });
}

FakePtp4l::~FakePtp4l() {
  stop_ = true;
  thread_.join();
  fd_.reset();
  ::unlink(path_.c_str());
  ::rmdir(directory_.c_str());
}

std::vector<ManagementMessage> FakePtp4l::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakePtp4l::serve() {
  std::uint8_t buffer[2048];
  while (!stop_) {
    pollfd pfd{fd_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 20) <= 0) continue;
    sockaddr_un peer{};
    socklen_t peer_len = sizeof(peer);
    const ssize_t got = ::recvfrom(fd_.get(), buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&peer), &peer_len);
    if (got <= 0) continue;
    ManagementMessage request;
    try {
      request = decode_management_message(ByteSpan(buffer, static_cast<std::size_t>(got)));
    } catch (const MalformedMessage&) {
      continue;  // a real ptp4l drops what it cannot parse, too
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    for (const Bytes& reply : handler_(request)) {
      ::sendto(fd_.get(), reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&peer), peer_len);
    }
  }
}

Bytes response_to(const ManagementMessage& request, std::uint16_t port, ManagementId id, const Bytes& data) {
  ManagementRequest r;
  r.transport_specific = request.transport_specific;
  r.domain_number = request.domain_number;
  r.source = PortIdentity{kFakeClock, port};
  r.sequence_id = request.sequence_id;
  r.target = request.source;
  r.action = Action::response;
  r.id = id;
  r.data = data;
  return encode_management_request(r);
}

Bytes error_response_to(const ManagementMessage& request, ManagementErrorId error) {
  // The encoder writes tlvType 1, lengthField, managementId, data; an error status TLV is
  // tlvType 2, lengthField 8, managementErrorId, managementId, 4 reserved bytes.
  const auto id = static_cast<std::uint16_t>(request.id);
  Bytes b = response_to(request, 0, static_cast<ManagementId>(error),
                        Bytes{static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), 0, 0, 0, 0});
  b[49] = 0x02;
  return b;
}

}  // namespace takt::ptp::test
