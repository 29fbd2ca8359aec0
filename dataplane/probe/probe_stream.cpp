#include "dataplane/probe/probe_stream.hpp"

#include <map>
#include <stdexcept>

namespace takt::probe {

std::uint32_t probe_stream_id(std::string_view name) noexcept {
  std::uint32_t h = 2166136261U;
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return h;
}

void check_unique_ids(const std::vector<ProbeStream>& streams) {
  std::map<std::uint32_t, const ProbeStream*> seen;
  for (const auto& s : streams) {
    auto [it, inserted] = seen.emplace(s.id, &s);
    if (!inserted) {
      throw std::invalid_argument(it->second->name == s.name ? "stream '" + s.name + "' is listed twice"
                                                             : "streams '" + it->second->name + "' and '" + s.name +
                                                                   "' have the same probe id; rename one of them");
    }
  }
}

}  // namespace takt::probe
