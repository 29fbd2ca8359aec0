#include "dataplane/bpf/bpf_preflight.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <linux/bpf.h>

namespace takt::station {
namespace {

// Linux capability numbers (linux/capability.h).
constexpr int kCapNetAdmin = 12;
constexpr int kCapSysAdmin = 21;
constexpr int kCapBpf = 39;

// The effective capability set, from /proc/self/status; 0 when it cannot be read.
std::uint64_t effective_capabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      try {
        return std::stoull(line.substr(7), nullptr, 16);
      } catch (const std::exception&) {
        return 0;
      }
    }
  }
  return 0;
}

bool has(std::uint64_t caps, int cap) { return (caps >> cap) & 1U; }

}  // namespace

std::vector<std::string> bpf_preflight() {
  std::vector<std::string> missing;
  const std::uint64_t caps = effective_capabilities();
  if (!has(caps, kCapBpf) && !has(caps, kCapSysAdmin)) {
    missing.emplace_back("permissions: CAP_BPF (or CAP_SYS_ADMIN) is missing: run takt-station as root");
  }
  if (!has(caps, kCapNetAdmin)) {
    missing.emplace_back("permissions: CAP_NET_ADMIN is missing (to add tc filters): run takt-station as root");
  }
  if (!missing.empty()) return missing;  // the probes below would only fail with EPERM

  const int prog = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SCHED_CLS, nullptr);
  if (prog <= 0) {
    missing.push_back(
        fmt::format("kernel: cannot load tc (cls_bpf) programs ({}): needs CONFIG_BPF_SYSCALL and "
                    "CONFIG_NET_CLS_BPF",
                    prog == 0 ? "not supported" : std::strerror(-prog)));
    return missing;
  }
  const int tai = libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_ktime_get_tai_ns, nullptr);
  if (tai <= 0) {
    missing.push_back(fmt::format("kernel: no bpf_ktime_get_tai_ns() for tc programs ({}): needs Linux 6.1 or later",
                                  tai == 0 ? "not supported" : std::strerror(-tai)));
  }
  const int lock = libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_spin_lock, nullptr);
  if (lock <= 0) {
    missing.push_back(
        "kernel: no bpf_spin_lock() for tc programs: needs BTF support (CONFIG_DEBUG_INFO_BTF) and "
        "Linux 5.1 or later");
  }
  return missing;
}

}  // namespace takt::station
