#pragma once
// Which IEEE 802.1Qci stream filter a frame meets, by stream handle, ingress port and priority
// (a filter naming its stream wins over the wildcard filter of the port and priority; a filter
// for one priority wins over one for any priority), and the priority the frame is then queued
// as: its filter's stream gate's internal priority value (IPV, 802.1Qci 8.6.5.2.1 / 8.6.5.3), or
// its own priority when the gate has none (null). The frame itself keeps its PCP; only the egress
// traffic class, priority_to_traffic_class[queue priority], follows the IPV.
//
// Built once per schedule, read per run of frames (takt-dataplane's forwarder) or per frame (the
// controller's simulator); nothing here changes per frame.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dataplane/core/pcp_map.hpp"
#include "dataplane/core/stream_id.hpp"

namespace takt {

// A gate without an IPV (null): the frame's own priority decides its queue.
inline constexpr std::uint8_t kNoIpv = 0xFF;

// The priority a frame of priority `pcp` is queued as once it passed a stream gate with `ipv`.
constexpr std::uint8_t queued_priority(std::uint8_t ipv, std::uint8_t pcp) { return ipv == kNoIpv ? pcp : ipv; }

struct StreamFilterKey {
  StreamHandle stream = kNoStream;       // kNoStream: the wildcard filter of port and priority
  std::size_t port = 0;                  // ingress port
  std::optional<std::uint8_t> priority;  // empty: any
  std::optional<std::uint8_t> ipv;       // of the filter's stream gate; empty: null
};

class StreamFilterTable {
 public:
  StreamFilterTable() = default;
  // Filter i is filters[i]. Throws ConfigError naming the filter when a stream, port, priority or
  // IPV is out of range, or when stream_count x port_count x 8 entries are too many.
  StreamFilterTable(std::size_t stream_count, std::size_t port_count, std::span<const StreamFilterKey> filters);

  // The filter a frame of `stream` (kNoStream: unidentified) arriving on `port` with priority
  // `pcp` meets, or -1.
  std::int32_t filter_for(StreamHandle stream, std::size_t port, std::uint8_t pcp) const {
    if (stream != kNoStream && stream < stream_count_ && !by_stream_.empty()) {
      const std::int32_t f = by_stream_[(stream * port_count_ + port) * 8 + (pcp & 7U)];
      if (f >= 0) return f;
    }
    if (by_wildcard_.empty()) return -1;
    return by_wildcard_[port * 8 + (pcp & 7U)];
  }

  // The IPV of `filter`'s stream gate (-1: no filter), kNoIpv when null.
  std::uint8_t ipv(std::int32_t filter) const { return filter < 0 ? kNoIpv : ipv_[static_cast<std::size_t>(filter)]; }
  // The priority frames of `filter` (-1: none) that carry `pcp` are queued as.
  std::uint8_t queue_priority(std::int32_t filter, std::uint8_t pcp) const { return queued_priority(ipv(filter), pcp); }
  // The same for a frame not yet matched to its filter; no lookup when no gate has an IPV.
  std::uint8_t queue_priority(StreamHandle stream, std::size_t port, std::uint8_t pcp) const {
    return any_ipv_ ? queue_priority(filter_for(stream, port, pcp), pcp) : pcp;
  }
  // The egress traffic class of such a frame at a port whose map is `map`.
  std::uint8_t traffic_class(const PcpToTrafficClass& map, StreamHandle stream, std::size_t port,
                             std::uint8_t pcp) const {
    return map.traffic_class(queue_priority(stream, port, pcp));
  }

  std::size_t filter_count() const { return ipv_.size(); }
  bool any_ipv() const { return any_ipv_; }

 private:
  std::size_t stream_count_ = 0;
  std::size_t port_count_ = 0;
  std::vector<std::int32_t> by_stream_;    // [(handle * ports + port) * 8 + pcp]; empty without filters
  std::vector<std::int32_t> by_wildcard_;  // [port * 8 + pcp]
  std::vector<std::uint8_t> ipv_;          // per filter, kNoIpv: null
  bool any_ipv_ = false;
};

}  // namespace takt
