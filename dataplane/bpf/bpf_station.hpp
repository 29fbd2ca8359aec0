#pragma once
// takt-station's programs loaded into the kernel (libbpf skeleton) and their maps: writing a
// plan's tables into them, swapping to another plan while frames flow, and reading the
// counters back summed over CPUs.
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "dataplane/bpf/station_maps.h"
#include "dataplane/bpf/station_tables.hpp"
#include "dataplane/core/time.hpp"

struct station_bpf;

namespace takt::station {

class BpfStation {
 public:
  // Opens and loads the programs; throws std::runtime_error with libbpf's reason (and the tail of
  // the verifier's log when it refused them).
  BpfStation();
  ~BpfStation();
  BpfStation(const BpfStation&) = delete;
  BpfStation& operator=(const BpfStation&) = delete;

  // Makes the maps hold `tables` and nothing else. Streams whose index is new start with zero
  // counters; the others keep theirs. Frames in flight see either the old or the new entry of a
  // stream, never a mix (configuration lives in hash maps, replaced whole).
  void apply(const StationTables& tables, Nanos tai_correction);

  int egress_program_fd() const;
  int ingress_program_fd() const;

  takt_talk_stats talk_stats(std::uint32_t index) const;
  takt_listen_stats listen_stats(std::uint32_t index) const;

 private:
  template <class Value>
  void zero_per_cpu(int map_fd, std::uint32_t index);
  template <class Value>
  Value sum_per_cpu(int map_fd, std::uint32_t index) const;

  station_bpf* skel_ = nullptr;
  int cpus_ = 1;
  std::vector<takt_mac_key> talk_mac_keys_;
  std::vector<takt_ip_key> talk_ip_keys_;
  std::vector<takt_mac_key> listen_mac_keys_;
  std::set<std::uint32_t> talk_indexes_;
  std::set<std::uint32_t> listen_indexes_;
};

}  // namespace takt::station
