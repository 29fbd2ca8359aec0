#include "dataplane/dpdk/frame_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "dataplane/dpdk/mbuf_geometry.hpp"

namespace takt::dpdk {
namespace {

constexpr const char* kName = "takt_mbufs";
constexpr unsigned kCacheSize = 256;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::string megabytes(std::size_t bytes) { return fmt::format("{:.0f} MB", static_cast<double>(bytes) / (1 << 20)); }

}  // namespace

bool driver_copies_frames(std::string_view driver) noexcept {
  static constexpr std::array<std::string_view, 5> kCopying = {"net_pcap", "net_af_packet", "net_null", "net_ring",
                                                               "net_tap"};
  return std::find(kCopying.begin(), kCopying.end(), driver) != kCopying.end();
}

FramePool::FramePool(unsigned count, std::span<const std::string> drivers) {
  const bool hugepages = rte_eal_has_hugepages() != 0;
  const bool all_copy = !drivers.empty() && std::all_of(drivers.begin(), drivers.end(),
                                                        [](const std::string& d) { return driver_copies_frames(d); });
  if (!hugepages && all_copy) {
    pool_ = in_own_memory(count);
  } else {
    const std::size_t object_overhead =
        RTE_ALIGN_CEIL(sizeof(rte_mempool_objhdr), RTE_CACHE_LINE_SIZE) + sizeof(rte_mbuf);
    const std::uint16_t room = mbuf_data_room(hugepages, static_cast<std::size_t>(sysconf(_SC_PAGESIZE)),
                                              object_overhead, RTE_MBUF_DEFAULT_BUF_SIZE);
    pool_ = in_dpdk_memory(count, room);
    description_ = fmt::format("{} mbufs of {} B in DPDK's memory ({})", count, room,
                               hugepages ? "hugepages" : "4 KB pages: a port is not a copying virtual device");
  }
}

void FramePool::Unmap::operator()(void* p) const noexcept { munmap(p, bytes); }

void FramePool::FreePool::operator()(rte_mempool* p) const noexcept { rte_mempool_free(p); }

FramePool::Pool FramePool::in_dpdk_memory(unsigned count, std::uint16_t data_room) {
  const int socket = static_cast<int>(rte_socket_id());
  rte_mempool* pool = rte_pktmbuf_pool_create_by_ops(kName, count, kCacheSize, 0, data_room, socket, "stack");
  if (!pool) {
    spdlog::warn("no mbuf pool from DPDK's stack driver ({}); trying a ring, slower behind closed gates",
                 rte_strerror(rte_errno));
    pool = rte_pktmbuf_pool_create(kName, count, kCacheSize, 0, data_room, socket);
  }
  if (!pool)
    throw std::runtime_error("cannot create a pool of " + std::to_string(count) + " mbufs: " + rte_strerror(rte_errno) +
                             " (give EAL more memory with -m, or lower --queue-capacity)");
  return Pool(pool);
}

FramePool::Pool FramePool::in_own_memory(unsigned count) {
  // No IOVA-contiguity: nothing DMAs into these mbufs, and without it DPDK packs objects across
  // page boundaries instead of one per 4 KB page at the same offset.
  constexpr unsigned kFlags = RTE_MEMPOOL_F_NO_IOVA_CONTIG;
  const std::uint16_t room = RTE_MBUF_DEFAULT_BUF_SIZE;
  const unsigned element = sizeof(rte_mbuf) + room;
  const std::size_t object = rte_mempool_calc_obj_size(element, kFlags, nullptr);
  const std::size_t bytes = own_memory_bytes(count, object, kHugePage);

  // One huge page more than needed, so the pool can start on a huge-page boundary.
  void* mapping = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED)
    throw std::runtime_error(fmt::format("cannot map {} for {} mbufs: {}", megabytes(bytes), count, strerror(errno)));
  own_ = std::unique_ptr<void, Unmap>(mapping, Unmap{bytes + kHugePage});
  char* base = reinterpret_cast<char*>(RTE_ALIGN_CEIL(reinterpret_cast<std::uintptr_t>(mapping), kHugePage));
  // Before the first touch, so the pages are huge from the start. Where the kernel does not give
  // transparent huge pages (disabled), the pool still packs; it only keeps 4 KB TLB entries.
  const bool huge = madvise(base, bytes, MADV_HUGEPAGE) == 0;

  const int socket = static_cast<int>(rte_socket_id());
  Pool pool(
      rte_mempool_create_empty(kName, count, element, kCacheSize, sizeof(rte_pktmbuf_pool_private), socket, kFlags));
  if (!pool)
    throw std::runtime_error("cannot create a pool of " + std::to_string(count) + " mbufs: " + rte_strerror(rte_errno));
  if (rte_mempool_set_ops_byname(pool.get(), "stack", nullptr) != 0) {
    spdlog::warn("no mbuf pool from DPDK's stack driver; using a ring, slower behind closed gates");
    if (rte_mempool_set_ops_byname(pool.get(), "ring_mp_mc", nullptr) != 0)
      throw std::runtime_error("cannot give the mbuf pool a stack or a ring driver");
  }
  rte_pktmbuf_pool_private private_data{};
  private_data.mbuf_data_room_size = room;
  rte_pktmbuf_pool_init(pool.get(), &private_data);
  // In huge-page chunks: the memory has no IOVA, so DPDK takes it a chunk at a time.
  const int placed = rte_mempool_populate_virt(pool.get(), base, bytes, kHugePage, nullptr, nullptr);
  if (placed < 0 || static_cast<unsigned>(placed) < count)
    throw std::runtime_error(fmt::format("cannot place {} mbufs in {} of own memory: {}", count, megabytes(bytes),
                                         placed < 0 ? rte_strerror(-placed) : "too small"));
  rte_mempool_obj_iter(pool.get(), rte_pktmbuf_init, nullptr);
  description_ = fmt::format(
      "{} mbufs of {} B in {} of takt-dataplane's own memory, {} B apart ({}; every port copies "
      "frames, and EAL has no hugepages)",
      count, room, megabytes(bytes), object, huge ? "transparent huge pages asked for" : "4 KB pages: madvise refused");
  return pool;
}

}  // namespace takt::dpdk
