#include "control/simulate/pcap_writer.hpp"

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace takt::simulate {

namespace {

constexpr std::uint32_t kNanosecondMagic = 0xa1b23c4d;
constexpr std::uint32_t kSnapLength = 65535;
constexpr std::uint32_t kLinkTypeEthernet = 1;
constexpr std::size_t kMinFrameWithoutFcs = 60;  // shorter frames are padded on the wire

// Host byte order throughout: the magic tells a reader which one it is.
template <class T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

Error write_error(const std::string& path) {
  return Error{fmt::format("{}: cannot write the capture: {}", path, std::strerror(errno)),
               "check that the folder exists and that you may write there"};
}

}  // namespace

Result<PcapWriter> PcapWriter::open(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  if (!f) return write_error(path);
  std::string header;
  put<std::uint32_t>(header, kNanosecondMagic);
  put<std::uint16_t>(header, 2);
  put<std::uint16_t>(header, 4);
  put<std::int32_t>(header, 0);   // thiszone
  put<std::uint32_t>(header, 0);  // sigfigs
  put<std::uint32_t>(header, kSnapLength);
  put<std::uint32_t>(header, kLinkTypeEthernet);
  if (std::fwrite(header.data(), 1, header.size(), f.get()) != header.size()) return write_error(path);
  return PcapWriter(std::move(f), path);
}

Status PcapWriter::write(std::int64_t time_ns, std::span<const std::byte> frame) {
  if (!file_) return Error{fmt::format("{}: the capture is already closed", path_), ""};
  const std::size_t length = std::max(frame.size(), kMinFrameWithoutFcs);
  const std::size_t captured = std::min<std::size_t>(length, kSnapLength);
  std::string record;
  record.reserve(16 + captured);
  const std::int64_t t = time_ns < 0 ? 0 : time_ns;
  put<std::uint32_t>(record, static_cast<std::uint32_t>(t / 1'000'000'000));
  put<std::uint32_t>(record, static_cast<std::uint32_t>(t % 1'000'000'000));
  put<std::uint32_t>(record, static_cast<std::uint32_t>(captured));
  put<std::uint32_t>(record, static_cast<std::uint32_t>(length));
  const std::size_t from_frame = std::min(frame.size(), captured);
  record.append(reinterpret_cast<const char*>(frame.data()), from_frame);
  record.append(captured - from_frame, '\0');
  if (std::fwrite(record.data(), 1, record.size(), file_.get()) != record.size()) return write_error(path_);
  return {};
}

Status PcapWriter::close() {
  if (!file_) return {};
  std::FILE* f = file_.release();
  if (std::fclose(f) != 0) return write_error(path_);
  return {};
}

}  // namespace takt::simulate
