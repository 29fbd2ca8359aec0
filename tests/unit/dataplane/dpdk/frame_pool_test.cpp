// FramePool in a real EAL (no hugepages, no PCI, in memory): which memory it picks for which
// drivers, and that every mbuf of the pool is usable, laid out as promised and given back.
#include "dataplane/dpdk/frame_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dataplane/dpdk/mbuf_geometry.hpp"

using takt::dpdk::driver_copies_frames;
using takt::dpdk::FramePool;
using takt::dpdk::own_memory_bytes;

namespace {

// EAL once per process; ctest runs each case in a process of its own, a plain run all in one.
// --no-shconf and --no-telemetry leave only EAL's runtime folder, which is this process's own
// (--file-prefix) and removed at exit. (--in-memory would need hugepages.)
void eal() {
  static const std::string prefix = "--file-prefix=takt-frame-pool-" + std::to_string(getpid());
  static const bool up = [] {
    std::array<const char*, 12> args = {"test_dataplane_frame_pool",
                                        "--no-huge",
                                        "--no-pci",
                                        "--no-shconf",
                                        "--no-telemetry",
                                        prefix.c_str(),
                                        "-m",
                                        "256",
                                        "-l",
                                        "0",
                                        "--log-level=lib.eal:error",
                                        "--log-level=lib.mempool:error"};
    if (rte_eal_init(static_cast<int>(args.size()), const_cast<char**>(args.data())) < 0) return false;
    std::atexit([] {
      const std::string runtime = rte_eal_get_runtime_dir();
      rte_eal_cleanup();
      std::error_code ignored;
      std::filesystem::remove_all(runtime, ignored);
    });
    return true;
  }();
  REQUIRE(up);
}

// Takes every mbuf out of the pool, checks each, and puts them all back.
std::vector<rte_mbuf*> drain(rte_mempool* pool, unsigned count) {
  std::vector<rte_mbuf*> all(count);
  for (unsigned i = 0; i < count; i += 32) {
    const unsigned n = std::min(32U, count - i);
    REQUIRE(rte_pktmbuf_alloc_bulk(pool, all.data() + i, n) == 0);
  }
  rte_mbuf* extra = rte_pktmbuf_alloc(pool);
  CHECK(extra == nullptr);  // exactly `count`, no more
  if (extra) rte_pktmbuf_free(extra);
  return all;
}

bool mapped(const void* p) {
  unsigned char resident = 0;
  void* page = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{4095});
  return mincore(page, 1, &resident) == 0 || errno != ENOMEM;
}

}  // namespace

TEST_CASE("copying virtual devices are recognised by driver name, and no other driver is") {
  for (const char* d : {"net_pcap", "net_af_packet", "net_null", "net_ring", "net_tap"}) CHECK(driver_copies_frames(d));
  for (const char* d : {"net_ixgbe", "net_i40e", "net_virtio_user", "net_af_xdp", "net_memif", "", "net_pca"})
    CHECK_FALSE(driver_copies_frames(d));
}

TEST_CASE("own memory: whole huge-page chunks, none crossed by an object") {
  constexpr std::size_t kChunk = std::size_t{2} << 20;
  CHECK(own_memory_bytes(1, 2368, kChunk) == kChunk);
  CHECK(own_memory_bytes(885, 2368, kChunk) == kChunk);  // 885 * 2368 <= 2 MB < 886 * 2368
  CHECK(own_memory_bytes(886, 2368, kChunk) == 2 * kChunk);
  CHECK(own_memory_bytes(71808, 2368, kChunk) == 82 * kChunk);
}

TEST_CASE("without hugepages, ports that copy frames get a packed pool in own memory, every mbuf usable") {
  eal();
  REQUIRE(rte_eal_has_hugepages() == 0);
  constexpr unsigned kCount = 5000;
  const std::vector<std::string> drivers = {"net_af_packet", "net_pcap"};
  const void* first = nullptr;
  {
    const FramePool pool(kCount, drivers);
    INFO(pool.description());
    CHECK(pool.description().find("own memory") != std::string::npos);
    REQUIRE(rte_mempool_avail_count(pool.get()) == kCount);
    CHECK(rte_pktmbuf_data_room_size(pool.get()) == RTE_MBUF_DEFAULT_BUF_SIZE);

    std::vector<rte_mbuf*> all = drain(pool.get(), kCount);
    std::vector<std::uintptr_t> at;
    for (rte_mbuf* m : all) {
      CHECK(m->pool == pool.get());
      CHECK(m->buf_len == RTE_MBUF_DEFAULT_BUF_SIZE);
      CHECK(m->data_off == RTE_PKTMBUF_HEADROOM);
      CHECK(m->nb_segs == 1);
      // A full-size frame fits in one segment, and writing it touches memory that is really there.
      char* data = rte_pktmbuf_append(m, RTE_MBUF_DEFAULT_DATAROOM);
      REQUIRE(data != nullptr);
      std::memset(data, 0xA5, RTE_MBUF_DEFAULT_DATAROOM);
      at.push_back(reinterpret_cast<std::uintptr_t>(m));
    }
    std::sort(at.begin(), at.end());
    CHECK(std::adjacent_find(at.begin(), at.end()) == at.end());  // all distinct
    // Packed: the smallest distance between mbufs is one object, an odd number of cache lines,
    // so consecutive mbufs fall in different L1 sets; and never one object per 4 KB page.
    std::uintptr_t stride = SIZE_MAX;
    for (std::size_t i = 1; i < at.size(); ++i) stride = std::min(stride, at[i] - at[i - 1]);
    CHECK(stride < 4096);
    CHECK(stride % 64 == 0);
    CHECK((stride / 64) % 2 == 1);
    first = reinterpret_cast<const void*>(at.front());
    CHECK(mapped(first));
    rte_pktmbuf_free_bulk(all.data(), static_cast<unsigned>(all.size()));
    CHECK(rte_mempool_avail_count(pool.get()) == kCount);
  }
  // The pool's memory goes with it.
  CHECK_FALSE(mapped(first));
}

TEST_CASE("a port that is not a copying virtual device keeps DPDK's memory and its page-spreading data room") {
  eal();
  constexpr unsigned kCount = 1000;
  const std::vector<std::string> drivers = {"net_pcap", "net_ixgbe"};
  const FramePool pool(kCount, drivers);
  INFO(pool.description());
  CHECK(pool.description().find("DPDK's memory") != std::string::npos);
  const std::size_t overhead = RTE_ALIGN_CEIL(sizeof(rte_mempool_objhdr), RTE_CACHE_LINE_SIZE) + sizeof(rte_mbuf);
  CHECK(rte_pktmbuf_data_room_size(pool.get()) ==
        takt::dpdk::mbuf_data_room(false, static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), overhead,
                                   RTE_MBUF_DEFAULT_BUF_SIZE));
  std::vector<rte_mbuf*> all = drain(pool.get(), kCount);
  for (rte_mbuf* m : all) CHECK(m->pool == pool.get());
  rte_pktmbuf_free_bulk(all.data(), static_cast<unsigned>(all.size()));
  CHECK(rte_mempool_avail_count(pool.get()) == kCount);
}
