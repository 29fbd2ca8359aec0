#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "control/simulate/pcap_writer.hpp"

using namespace takt;

TEST_CASE("a pcap holds nanosecond timestamps and pads short frames to 60 bytes", "[simulate]") {
  const auto path = std::filesystem::temp_directory_path() / "takt_simulate_pcap_test.pcap";
  {
    auto w = simulate::PcapWriter::open(path.string());
    REQUIRE(w);
    std::vector<std::byte> frame(18, std::byte{0xAB});
    REQUIRE(w->write(2'000'000'123, frame));
    REQUIRE(w->close());
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  REQUIRE(bytes.size() == 24 + 16 + 60);
  const auto u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
  };
  CHECK(u32(0) == 0xa1b23c4dU);
  CHECK(u32(20) == 1U);  // Ethernet
  CHECK(u32(24) == 2U);
  CHECK(u32(28) == 123U);
  CHECK(u32(32) == 60U);
  CHECK(u32(36) == 60U);
  CHECK(static_cast<unsigned char>(bytes[40]) == 0xAB);
  CHECK(bytes[24 + 16 + 59] == 0);
}

TEST_CASE("a pcap in a folder that does not exist says so", "[simulate]") {
  const auto w = simulate::PcapWriter::open("/nonexistent-takt-folder/x.pcap");
  REQUIRE_FALSE(w);
  CHECK(w.error().message.find("/nonexistent-takt-folder/x.pcap") != std::string::npos);
}
