#pragma once
// Classic pcap with nanosecond timestamps (magic 0xa1b23c4d), Ethernet link type: what
// Wireshark and tcpdump open without conversion.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "common/result.hpp"

namespace takt::simulate {

class PcapWriter {
 public:
  static Result<PcapWriter> open(const std::string& path);

  // time_ns: since the epoch of the capture; frame: destination MAC up to, not including, the FCS.
  Status write(std::int64_t time_ns, std::span<const std::byte> frame);
  Status close();

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const {
      if (f) std::fclose(f);
    }
  };
  PcapWriter(std::unique_ptr<std::FILE, FileCloser> f, std::string path)
      : file_(std::move(f)), path_(std::move(path)) {}
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string path_;
};

}  // namespace takt::simulate
