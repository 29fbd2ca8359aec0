#pragma once
// takt-station's two tc filters (clsact, direct action) on one interface: attaching them,
// finding them again, removing them. libbpf 1.1 has no tcx links, so a filter outlives the
// process that attached it; takt-station therefore always attaches at one fixed handle and
// priority and, before attaching or on `--detach`, removes whatever takt program sits there
// (a kill -9 leaves nothing behind once takt-station runs again). Filters of anyone else are
// never touched.
#include <string>
#include <vector>

namespace takt::station {

enum class TcDirection { ingress, egress };

const char* to_string(TcDirection d);

// Where takt-station's filters live: priority 0x7A4B ("zK"), handle 1, on each clsact hook.
inline constexpr unsigned kTcHandle = 1;
inline constexpr unsigned kTcPriority = 0x7A4B;

// The interface's index; throws std::runtime_error naming the interface when there is none.
int interface_index(const std::string& name);

// Attaches `program_fd` (a loaded SCHED_CLS program) to the interface's clsact hook in
// `direction`, creating the clsact qdisc where there is none and replacing a takt filter left
// at our handle and priority. Throws std::runtime_error naming the interface and the reason.
void attach(int ifindex, TcDirection direction, int program_fd);

// Removes takt's filter from `direction` if one is there; returns the name of the program it
// removed (empty when there was none). A filter at our handle and priority whose program is not
// takt's is left alone and named in the exception.
std::string detach(int ifindex, TcDirection direction);

// Both directions; returns what was removed, as "egress: takt_egress (id 42)".
std::vector<std::string> detach_all(int ifindex);

}  // namespace takt::station
