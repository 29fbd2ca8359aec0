#include "dataplane/core/stream_id.hpp"

#include <cstring>
#include <string>

#include "dataplane/core/config_error.hpp"

namespace takt {

std::uint64_t StreamIdentifier::FiveTupleHash::operator()(const FiveTuple& t) const {
  std::uint64_t words[4];
  std::memcpy(&words[0], t.source.bytes.data(), 16);
  std::memcpy(&words[2], t.destination.bytes.data(), 16);
  std::uint64_t h = mix64(words[0] ^ 0x9e3779b97f4a7c15ULL);
  for (int i = 1; i < 4; ++i) h = mix64(h ^ words[i]);
  const std::uint64_t tail =
      (std::uint64_t{t.protocol} << 32) | (std::uint64_t{t.source_port} << 16) | t.destination_port;
  return mix64(h ^ tail);
}

StreamIdentifier::StreamIdentifier(const StreamIdentificationConfig& config)
    : null_(config.null_streams.size()), ip_(config.ip_streams.size()) {
  for (const auto& n : config.null_streams) {
    const std::string what =
        "null stream identification for " + n.destination.to_string() + " vid " + std::to_string(n.vid);
    if (n.handle == kNoStream) throw ConfigError(what + ": stream handle 0xffffffff is reserved for 'no stream'");
    if (n.vid > 4094) throw ConfigError(what + ": VID must be 0..4094 (4095 is reserved)");
    const std::uint64_t key = mac_vid_key(n.destination, n.vid);
    if (const StreamHandle* existing = null_.find(key); existing != nullptr && *existing != n.handle)
      throw ConfigError(what + " maps to both stream handle " + std::to_string(*existing) + " and " +
                        std::to_string(n.handle) + "; one identification must name one stream");
    null_.insert_or_assign(key, n.handle);
  }
  for (const auto& s : config.ip_streams) {
    const std::string what = "IP stream identification (protocol " + std::to_string(s.tuple.protocol) + ", ports " +
                             std::to_string(s.tuple.source_port) + "->" + std::to_string(s.tuple.destination_port) +
                             ")";
    if (s.handle == kNoStream) throw ConfigError(what + ": stream handle 0xffffffff is reserved for 'no stream'");
    if (const StreamHandle* existing = ip_.find(s.tuple); existing != nullptr && *existing != s.handle)
      throw ConfigError(what + " maps to both stream handle " + std::to_string(*existing) + " and " +
                        std::to_string(s.handle));
    ip_.insert_or_assign(s.tuple, s.handle);
  }
}

StreamHandle StreamIdentifier::identify_null(const MacAddress& destination, std::uint16_t vid) const {
  const StreamHandle* h = null_.find(mac_vid_key(destination, vid));
  return h != nullptr ? *h : kNoStream;
}

StreamHandle StreamIdentifier::identify_ip(const FiveTuple& tuple) const {
  const StreamHandle* h = ip_.find(tuple);
  return h != nullptr ? *h : kNoStream;
}

StreamHandle StreamIdentifier::identify(const ParsedFrame& frame) const {
  if (!frame.layer2_valid()) return kNoStream;
  if (frame.has_five_tuple && ip_.size() != 0) {
    if (const StreamHandle h = identify_ip(frame.five_tuple); h != kNoStream) return h;
  }
  if (null_.size() == 0) return kNoStream;
  return identify_null(frame.destination, frame.vid());
}

}  // namespace takt
