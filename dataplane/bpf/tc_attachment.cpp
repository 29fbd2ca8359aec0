#include "dataplane/bpf/tc_attachment.hpp"

#include <net/if.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include "common/unique_fd.hpp"

namespace takt::station {
namespace {

bpf_tc_hook hook_for(int ifindex, TcDirection direction) {
  bpf_tc_hook hook{};
  hook.sz = sizeof(hook);
  hook.ifindex = ifindex;
  hook.attach_point = direction == TcDirection::ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
  return hook;
}

bpf_tc_opts our_slot() {
  bpf_tc_opts opts{};
  opts.sz = sizeof(opts);
  opts.handle = kTcHandle;
  opts.priority = kTcPriority;
  return opts;
}

std::string program_name(unsigned id) {
  UniqueFd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) return {};
  bpf_prog_info info{};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) return {};
  return std::string(info.name, strnlen(info.name, sizeof(info.name)));
}

bool is_takt_program(std::string_view name) { return name == "takt_egress" || name == "takt_ingress"; }

}  // namespace

const char* to_string(TcDirection d) { return d == TcDirection::ingress ? "ingress" : "egress"; }

int interface_index(const std::string& name) {
  const unsigned index = if_nametoindex(name.c_str());
  if (index == 0) throw std::runtime_error(fmt::format("interface '{}': {}", name, std::strerror(errno)));
  return static_cast<int>(index);
}

std::string detach(int ifindex, TcDirection direction) {
  bpf_tc_hook hook = hook_for(ifindex, direction);
  bpf_tc_opts query = our_slot();
  const int rc = bpf_tc_query(&hook, &query);
  if (rc == -ENOENT || rc == -EINVAL) return {};  // no clsact qdisc, or nothing at our slot
  if (rc != 0) {
    throw std::runtime_error(fmt::format("reading the {} tc filters of interface {}: {}", to_string(direction), ifindex,
                                         std::strerror(-rc)));
  }
  const std::string name = program_name(query.prog_id);
  if (!is_takt_program(name)) {
    throw std::runtime_error(fmt::format(
        "the {} tc filter at handle {} priority {:#x} runs program {} ('{}'), not takt's; remove it by hand or free "
        "that slot",
        to_string(direction), kTcHandle, kTcPriority, query.prog_id, name));
  }
  bpf_tc_opts slot = our_slot();
  const int drc = bpf_tc_detach(&hook, &slot);
  if (drc != 0 && drc != -ENOENT) {
    throw std::runtime_error(
        fmt::format("removing {} from the {} hook: {}", name, to_string(direction), std::strerror(-drc)));
  }
  return fmt::format("{}: {} (id {})", to_string(direction), name, query.prog_id);
}

std::vector<std::string> detach_all(int ifindex) {
  std::vector<std::string> removed;
  for (auto d : {TcDirection::egress, TcDirection::ingress}) {
    if (auto what = detach(ifindex, d); !what.empty()) removed.push_back(std::move(what));
  }
  return removed;
}

void attach(int ifindex, TcDirection direction, int program_fd) {
  bpf_tc_hook hook = hook_for(ifindex, direction);
  // Creates the clsact qdisc for both hooks; it exists already when anything (tc, an earlier
  // run) put a filter there.
  const int hrc = bpf_tc_hook_create(&hook);
  if (hrc != 0 && hrc != -EEXIST) {
    throw std::runtime_error(fmt::format("adding the clsact qdisc to interface {}: {}", ifindex, std::strerror(-hrc)));
  }
  detach(ifindex, direction);
  bpf_tc_opts opts = our_slot();
  opts.prog_fd = program_fd;
  const int rc = bpf_tc_attach(&hook, &opts);
  if (rc != 0) {
    throw std::runtime_error(
        fmt::format("attaching to the {} hook of interface {}: {}", to_string(direction), ifindex, std::strerror(-rc)));
  }
}

}  // namespace takt::station
