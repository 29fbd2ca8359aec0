#pragma once
// The mbuf pool every port receives frames into, and the memory it lives in.
//
// Where the frames' memory comes from decides how much of a gated port's backlog the CPU's TLB
// and caches can hold. Behind a closed gate thousands of frames wait; each mbuf is touched again
// when it is sent and when it is handed out anew, so the pool's pages are the working set:
//   - hugepages (production): DPDK's memory, 2 MB pages, DPDK's default data room;
//   - no hugepages, every port a virtual device that copies frames in and out on the CPU
//     (net_pcap, net_af_packet, net_null, net_ring, net_tap: nothing DMAs into an mbuf, so no
//     IOVA is needed): memory takt-dataplane maps itself, asking the kernel for transparent huge
//     pages, with DPDK's default data room packed back to back (one 2368 B object every 37 cache
//     lines, so consecutive mbufs fall in different L1 sets). DPDK's own memory without hugepages
//     is a memfd, which the kernel backs with huge pages only where shmem THP is on (Debian:
//     off), so one 4 KB TLB entry per mbuf: with the 8-entry schedule of tests/bench/dataplane,
//     1.5 ns a frame more (ab_dataplane.sh);
//   - otherwise (a NIC without hugepages): DPDK's memory with mbuf_geometry.hpp's data room.
// The pool is a stack (LIFO), not DPDK's default ring (FIFO): a frame gets the mbuf freed last,
// still in the CPU's caches. It is sized for every queue full, so a ring would hand out each of
// its tens of thousands of mbufs in turn, long evicted, whenever gates hold a backlog; the stack
// cycles through about as many as are queued at once. A build without the stack driver keeps the
// ring.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct rte_mempool;

namespace takt::dpdk {

// Whether a PMD only ever copies frames between its own buffers and mbufs on the CPU (no DMA into
// mbuf memory, no sharing of it with another process): its mbufs may live in memory DPDK does not
// know. An allow-list: a driver not named here gets DPDK's memory.
bool driver_copies_frames(std::string_view driver) noexcept;

// Bytes of own memory for `count` objects of `object_bytes`, placed in chunks of `chunk_bytes`
// (a huge page) that no object crosses, as DPDK populates memory it gets without IOVAs.
constexpr std::size_t own_memory_bytes(std::size_t count, std::size_t object_bytes, std::size_t chunk_bytes) {
  const std::size_t per_chunk = chunk_bytes / object_bytes;
  return (count + per_chunk - 1) / per_chunk * chunk_bytes;
}

class FramePool {
 public:
  // `drivers`: the driver name of every port the pool serves.
  FramePool(unsigned count, std::span<const std::string> drivers);

  rte_mempool* get() const noexcept { return pool_.get(); }
  // For the start-up log: how many mbufs, of what data room, in which memory.
  const std::string& description() const noexcept { return description_; }

 private:
  struct Unmap {
    std::size_t bytes;
    void operator()(void* p) const noexcept;
  };
  struct FreePool {
    void operator()(rte_mempool* p) const noexcept;
  };
  using Pool = std::unique_ptr<rte_mempool, FreePool>;

  Pool in_own_memory(unsigned count);
  static Pool in_dpdk_memory(unsigned count, std::uint16_t data_room);

  // Declared before the pool, so the mapping outlives it.
  std::unique_ptr<void, Unmap> own_{nullptr, Unmap{0}};  // in_own_memory()'s mapping
  Pool pool_;
  std::string description_;
};

}  // namespace takt::dpdk
