#include "dataplane/core/stream_filter_table.hpp"

#include <string>

#include "dataplane/core/config_error.hpp"

namespace takt {

namespace {

// The lookup table holds one entry per stream, port and priority; beyond this many a bridge
// would spend more memory on it than on its queues.
constexpr std::size_t kMaxLookupEntries = std::size_t{1} << 24;

}  // namespace

StreamFilterTable::StreamFilterTable(std::size_t stream_count, std::size_t port_count,
                                     std::span<const StreamFilterKey> filters)
    : stream_count_(stream_count), port_count_(port_count) {
  if (port_count != 0 && stream_count > kMaxLookupEntries / 8 / port_count)
    throw ConfigError(std::to_string(stream_count) + " streams on " + std::to_string(port_count) +
                      " ports is more than per-stream filtering supports");
  by_wildcard_.assign(port_count * 8, -1);
  if (!filters.empty()) by_stream_.assign(stream_count * port_count * 8, -1);
  ipv_.reserve(filters.size());
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const StreamFilterKey& f = filters[i];
    const std::string where = "stream filter " + std::to_string(i);
    const bool wildcard = f.stream == kNoStream;
    if (!wildcard && f.stream >= stream_count) throw ConfigError(where + ": no stream " + std::to_string(f.stream));
    if (f.port >= port_count) throw ConfigError(where + ": no port " + std::to_string(f.port));
    if (f.priority && *f.priority > 7) throw ConfigError(where + ": priority must be 0..7");
    if (f.ipv && *f.ipv > 7) throw ConfigError(where + ": the stream gate's IPV must be 0..7");
    const auto index = static_cast<std::int32_t>(i);
    // A filter for one priority wins over the filter for any priority of the same key.
    for (std::size_t pcp = 0; pcp < 8; ++pcp) {
      if (f.priority && *f.priority != pcp) continue;
      std::int32_t& slot =
          wildcard ? by_wildcard_[f.port * 8 + pcp] : by_stream_[(f.stream * port_count + f.port) * 8 + pcp];
      if (slot < 0 || f.priority) slot = index;
    }
    ipv_.push_back(f.ipv ? *f.ipv : kNoIpv);
    any_ipv_ = any_ipv_ || f.ipv.has_value();
  }
}

}  // namespace takt
