#pragma once
// Before loading anything: does this process on this kernel have what takt-station's programs
// need? Each missing piece is named with what to do about it, instead of a verifier log or a
// bare EPERM from deep inside libbpf.
#include <string>
#include <vector>

namespace takt::station {

// Empty when everything is there; otherwise one line per missing piece, e.g.
// "permissions: CAP_BPF (or CAP_SYS_ADMIN) is missing: run takt-station as root".
std::vector<std::string> bpf_preflight();

}  // namespace takt::station
