#include "dataplane/bpf/bpf_station.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dataplane/bpf/station.skel.h"

namespace takt::station {
namespace {

// libbpf's messages (the verifier's log among them) kept for the error text and logged at
// debug level.
std::mutex log_mutex;
std::deque<std::string> log_tail;

int libbpf_log(enum libbpf_print_level level, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof(line), format, args);
  std::string text(line);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  // At debug level only: libbpf reports expected misses too ("Cannot find specified filter
  // chain" when looking for a stale filter that is not there); real failures reach the
  // caller's exception with this tail.
  (void)level;
  spdlog::debug("libbpf: {}", text);
  std::lock_guard lock(log_mutex);
  log_tail.push_back(std::move(text));
  if (log_tail.size() > 12) log_tail.pop_front();
  return 0;
}

std::string recent_log() {
  std::lock_guard lock(log_mutex);
  std::string out;
  for (const auto& l : log_tail) out += fmt::format("\n  {}", l);
  return out;
}

template <class Key, class Value>
void update(int fd, const Key& key, const Value& value, const char* map) {
  if (bpf_map_update_elem(fd, &key, &value, BPF_ANY) != 0) {
    throw std::runtime_error(fmt::format("writing map {}: {}", map, std::strerror(errno)));
  }
}

template <class Key>
void erase(int fd, const Key& key) {
  bpf_map_delete_elem(fd, &key);  // ENOENT is fine: the entry is gone either way
}

template <class Key>
bool same_key(const Key& a, const Key& b) {
  return std::memcmp(&a, &b, sizeof(Key)) == 0;
}

template <class Key>
bool contains(const std::vector<Key>& keys, const Key& k) {
  for (const auto& x : keys)
    if (same_key(x, k)) return true;
  return false;
}

}  // namespace

BpfStation::BpfStation() {
  libbpf_set_print(libbpf_log);
  skel_ = station_bpf__open();
  if (skel_ == nullptr) throw std::runtime_error(fmt::format("opening the station programs: {}", std::strerror(errno)));
  if (const int rc = station_bpf__load(skel_); rc != 0) {
    station_bpf__destroy(skel_);
    skel_ = nullptr;
    throw std::runtime_error(
        fmt::format("loading the station programs into the kernel: {}{}", std::strerror(-rc), recent_log()));
  }
  cpus_ = libbpf_num_possible_cpus();
  if (cpus_ <= 0) cpus_ = 1;
}

BpfStation::~BpfStation() {
  if (skel_ != nullptr) station_bpf__destroy(skel_);
}

int BpfStation::egress_program_fd() const { return bpf_program__fd(skel_->progs.takt_egress); }
int BpfStation::ingress_program_fd() const { return bpf_program__fd(skel_->progs.takt_ingress); }

template <class Value>
void BpfStation::zero_per_cpu(int map_fd, std::uint32_t index) {
  // Per-CPU values are read and written as one slot per possible CPU, each rounded up to 8 bytes.
  static_assert(sizeof(Value) % 8 == 0);
  std::vector<Value> zeros(static_cast<std::size_t>(cpus_));
  std::memset(zeros.data(), 0, zeros.size() * sizeof(Value));
  if (bpf_map_update_elem(map_fd, &index, zeros.data(), BPF_ANY) != 0) {
    throw std::runtime_error(fmt::format("clearing counters of stream index {}: {}", index, std::strerror(errno)));
  }
}

template <class Value>
Value BpfStation::sum_per_cpu(int map_fd, std::uint32_t index) const {
  std::vector<Value> per_cpu(static_cast<std::size_t>(cpus_));
  Value sum{};
  if (bpf_map_lookup_elem(map_fd, &index, per_cpu.data()) != 0) return sum;
  // Every member is a __u64 counter or an array of them: add them as such.
  static_assert(sizeof(Value) % sizeof(std::uint64_t) == 0);
  constexpr std::size_t words = sizeof(Value) / sizeof(std::uint64_t);
  std::uint64_t total[words] = {};
  for (const auto& v : per_cpu) {
    std::uint64_t w[words];
    std::memcpy(w, &v, sizeof(Value));
    for (std::size_t i = 0; i < words; ++i) total[i] += w[i];
  }
  std::memcpy(&sum, total, sizeof(Value));
  return sum;
}

void BpfStation::apply(const StationTables& tables, Nanos tai_correction) {
  const int globals_fd = bpf_map__fd(skel_->maps.globals);
  const int talk_mac_fd = bpf_map__fd(skel_->maps.talk_by_mac);
  const int talk_ip_fd = bpf_map__fd(skel_->maps.talk_by_ip);
  const int talk_config_fd = bpf_map__fd(skel_->maps.talk_config);
  const int talk_bucket_fd = bpf_map__fd(skel_->maps.talk_bucket);
  const int talk_stats_fd = bpf_map__fd(skel_->maps.talk_stats);
  const int listen_mac_fd = bpf_map__fd(skel_->maps.listen_by_mac);
  const int listen_config_fd = bpf_map__fd(skel_->maps.listen_config);
  const int listen_sequence_fd = bpf_map__fd(skel_->maps.listen_sequence);
  const int listen_stats_fd = bpf_map__fd(skel_->maps.listen_stats);
  const std::uint32_t zero = 0;

  // 1. New streams: counters, bucket and sequence state from zero, before any key leads to them.
  std::set<std::uint32_t> talk_next;
  std::set<std::uint32_t> listen_next;
  for (const auto& t : tables.talks) {
    talk_next.insert(t.index);
    if (!talk_indexes_.contains(t.index)) {
      zero_per_cpu<takt_talk_stats>(talk_stats_fd, t.index);
      update(talk_bucket_fd, t.index, takt_token_bucket{}, "talk_bucket");
    }
  }
  for (const auto& l : tables.listens) {
    listen_next.insert(l.index);
    if (!listen_indexes_.contains(l.index)) {
      zero_per_cpu<takt_listen_stats>(listen_stats_fd, l.index);
      update(listen_sequence_fd, l.index, takt_sequence_state{}, "listen_sequence");
    }
  }
  // 2. Configuration, each value replaced whole.
  for (const auto& t : tables.talks) update(talk_config_fd, t.index, t.config, "talk_config");
  for (const auto& l : tables.listens) update(listen_config_fd, l.index, l.config, "listen_config");
  // 3. While old and new keys both exist, the program tries the masks of both.
  takt_station_globals g{};
  g.tai_correction_ns = tai_correction.count();
  std::uint32_t old_masks = 0;
  for (const auto& k : talk_ip_keys_) old_masks |= 1u << k.mask;
  g.ip_masks_in_use = tables.ip_masks_in_use | old_masks;
  update(globals_fd, zero, g, "globals");
  // 4. Keys of the new plan, then away with the keys only the old one had.
  std::vector<takt_mac_key> talk_mac;
  std::vector<takt_ip_key> talk_ip;
  std::vector<takt_mac_key> listen_mac;
  for (const auto& t : tables.talks) {
    for (const auto& k : t.mac_keys) {
      update(talk_mac_fd, k, t.index, "talk_by_mac");
      talk_mac.push_back(k);
    }
    if (t.ip_key) {
      update(talk_ip_fd, *t.ip_key, t.index, "talk_by_ip");
      talk_ip.push_back(*t.ip_key);
    }
  }
  for (const auto& l : tables.listens) {
    for (const auto& k : l.mac_keys) {
      update(listen_mac_fd, k, l.index, "listen_by_mac");
      listen_mac.push_back(k);
    }
  }
  for (const auto& k : talk_mac_keys_)
    if (!contains(talk_mac, k)) erase(talk_mac_fd, k);
  for (const auto& k : talk_ip_keys_)
    if (!contains(talk_ip, k)) erase(talk_ip_fd, k);
  for (const auto& k : listen_mac_keys_)
    if (!contains(listen_mac, k)) erase(listen_mac_fd, k);
  // 5. Configuration of streams no key leads to any more.
  for (auto i : talk_indexes_)
    if (!talk_next.contains(i)) erase(talk_config_fd, i);
  for (auto i : listen_indexes_)
    if (!listen_next.contains(i)) erase(listen_config_fd, i);
  g.ip_masks_in_use = tables.ip_masks_in_use;
  update(globals_fd, zero, g, "globals");

  talk_mac_keys_ = std::move(talk_mac);
  talk_ip_keys_ = std::move(talk_ip);
  listen_mac_keys_ = std::move(listen_mac);
  talk_indexes_ = std::move(talk_next);
  listen_indexes_ = std::move(listen_next);
}

takt_talk_stats BpfStation::talk_stats(std::uint32_t index) const {
  return sum_per_cpu<takt_talk_stats>(bpf_map__fd(skel_->maps.talk_stats), index);
}

takt_listen_stats BpfStation::listen_stats(std::uint32_t index) const {
  return sum_per_cpu<takt_listen_stats>(bpf_map__fd(skel_->maps.listen_stats), index);
}

}  // namespace takt::station
