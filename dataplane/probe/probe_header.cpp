#include "dataplane/probe/probe_header.hpp"

namespace takt::probe {

namespace {

template <class T>
void put_be(std::byte* at, T value) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    at[i] = static_cast<std::byte>(static_cast<std::uint64_t>(value) >> (8 * (sizeof(T) - 1 - i)));
}

template <class T>
T get_be(const std::byte* at) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v = (v << 8) | std::to_integer<std::uint64_t>(at[i]);
  return static_cast<T>(v);
}

}  // namespace

bool encode(const ProbeHeader& header, std::span<std::byte> payload) noexcept {
  if (payload.size() < ProbeHeader::size) return false;
  std::byte* p = payload.data();
  put_be<std::uint32_t>(p, kProbeMagic);
  p[4] = std::byte{kProbeVersion};
  p[5] = p[6] = p[7] = std::byte{0};
  put_be<std::uint32_t>(p + 8, header.stream_id);
  put_be<std::uint32_t>(p + 12, header.session);
  stamp(payload, header.sequence, header.transmit_time);
  return true;
}

void stamp(std::span<std::byte> payload, std::uint64_t sequence, TaiTime transmit_time) noexcept {
  put_be<std::uint64_t>(payload.data() + 16, sequence);
  put_be<std::uint64_t>(payload.data() + 24, static_cast<std::uint64_t>(ns_of(transmit_time)));
}

std::optional<ProbeHeader> decode(std::span<const std::byte> payload) noexcept {
  if (payload.size() < ProbeHeader::size) return std::nullopt;
  const std::byte* p = payload.data();
  if (get_be<std::uint32_t>(p) != kProbeMagic) return std::nullopt;
  if (std::to_integer<std::uint8_t>(p[4]) != kProbeVersion) return std::nullopt;
  ProbeHeader h;
  h.stream_id = get_be<std::uint32_t>(p + 8);
  h.session = get_be<std::uint32_t>(p + 12);
  h.sequence = get_be<std::uint64_t>(p + 16);
  h.transmit_time = tai_ns(static_cast<std::int64_t>(get_be<std::uint64_t>(p + 24)));
  return h;
}

}  // namespace takt::probe
