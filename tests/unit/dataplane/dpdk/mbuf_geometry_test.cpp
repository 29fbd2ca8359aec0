#include "dataplane/dpdk/mbuf_geometry.hpp"

#include <catch2/catch.hpp>

using takt::dpdk::mbuf_data_room;

namespace {
constexpr std::size_t kOverhead = 64 + 128;         // mempool object header + struct rte_mbuf on x86-64
constexpr std::uint16_t kDefaultRoom = 2048 + 128;  // RTE_MBUF_DEFAULT_BUF_SIZE
}  // namespace

TEST_CASE("4 KB pages: an mbuf object grows past the page, so objects pack at an odd line stride") {
  const std::uint16_t room = mbuf_data_room(false, 4096, kOverhead, kDefaultRoom);
  const std::size_t object = kOverhead + room;
  CHECK(room >= kDefaultRoom);  // never smaller than DPDK's default
  CHECK(object > 4096);         // DPDK then lets objects cross pages
  CHECK(object <= 4096 + 64);   // and the page it had to itself is all it costs
  CHECK(object % 64 == 0);
  CHECK((object / 64) % 2 == 1);  // consecutive objects in consecutive L1 sets
}

TEST_CASE("hugepages or pages holding two default objects keep the default data room") {
  CHECK(mbuf_data_room(true, 4096, kOverhead, kDefaultRoom) == kDefaultRoom);
  CHECK(mbuf_data_room(false, 2 * 1024 * 1024, kOverhead, kDefaultRoom) == kDefaultRoom);
  CHECK(mbuf_data_room(false, 16384, kOverhead, kDefaultRoom) == kDefaultRoom);
  // Decided by the object: two per page keep their room, one per page grows one line past it.
  CHECK(mbuf_data_room(false, 4096, kOverhead, 1900 - kOverhead) == 1900 - kOverhead);
  CHECK(mbuf_data_room(false, 4096, kOverhead, 2100) == 4096 - kOverhead + 64);
}
