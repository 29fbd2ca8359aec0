#pragma once
// IEEE 802.1CB stream identification: null stream identification (destination MAC + VLAN)
// and IP stream identification (5-tuple). Tables are built once from configuration and are
// read-only afterwards, so any number of lcores may share them without locks.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/core/five_tuple.hpp"
#include "dataplane/core/flat_hash_map.hpp"
#include "dataplane/core/frame.hpp"
#include "dataplane/core/mac_address.hpp"

namespace takt {

using StreamHandle = std::uint32_t;
inline constexpr StreamHandle kNoStream = 0xFFFF'FFFFU;

// VID 0 matches untagged and priority-tagged frames (802.1CB's tsnCpeNullDownVlan with
// tagged = priority); any other VID matches frames tagged with that VID.
struct NullStreamIdentification {
  MacAddress destination;
  std::uint16_t vid = 0;
  StreamHandle handle = kNoStream;
};

struct IpStreamIdentification {
  FiveTuple tuple;
  StreamHandle handle = kNoStream;
};

struct StreamIdentificationConfig {
  std::vector<NullStreamIdentification> null_streams;
  std::vector<IpStreamIdentification> ip_streams;
};

class StreamIdentifier {
 public:
  StreamIdentifier() = default;
  // Throws ConfigError on a reserved handle, a bad VID, or one key mapped to two handles.
  explicit StreamIdentifier(const StreamIdentificationConfig& config);

  // IP identification is tried first because it is the more specific match: a plant may
  // identify one stream by 5-tuple and still map the rest of a DMAC's traffic by null
  // stream identification.
  StreamHandle identify(const ParsedFrame& frame) const;

  // Batch form: handles[i] = identify(frames[i]) for a burst.
  void identify(std::span<const ParsedFrame> frames, std::span<StreamHandle> handles) const {
    const std::size_t n = std::min(frames.size(), handles.size());
    for (std::size_t i = 0; i < n; ++i) handles[i] = identify(frames[i]);
  }

  StreamHandle identify_null(const MacAddress& destination, std::uint16_t vid) const;
  StreamHandle identify_ip(const FiveTuple& tuple) const;

  std::size_t null_stream_count() const { return null_.size(); }
  std::size_t ip_stream_count() const { return ip_.size(); }

 private:
  struct MacVidHash {
    std::uint64_t operator()(std::uint64_t key) const { return mix64(key); }
  };
  struct FiveTupleHash {
    std::uint64_t operator()(const FiveTuple& t) const;
  };
  static std::uint64_t mac_vid_key(const MacAddress& mac, std::uint16_t vid) {
    return (mac.to_u64() << 12) | (vid & 0x0FFFU);
  }

  FlatHashMap<std::uint64_t, StreamHandle, MacVidHash> null_{0};
  FlatHashMap<FiveTuple, StreamHandle, FiveTupleHash> ip_{0};
};

}  // namespace takt
