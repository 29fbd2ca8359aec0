#pragma once
// Bounds-checked big-endian field access for PTP messages (IEEE 1588 is network byte order
// throughout). Every read names its field so a short or truncated datagram produces an error a
// person can match against a capture instead of reading past the buffer.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "ptp/ptp_errors.hpp"

namespace takt::ptp {

using ByteSpan = std::span<const std::uint8_t>;
using Bytes = std::vector<std::uint8_t>;

class BigEndianReader {
 public:
  // `what` names the structure being read (e.g. "PORT_DATA_SET") for error messages.
  BigEndianReader(ByteSpan bytes, std::string_view what) : bytes_(bytes), what_(what) {}

  std::size_t size() const { return bytes_.size(); }

  void require(std::size_t offset, std::size_t length, std::string_view field) const {
    if (offset > bytes_.size() || length > bytes_.size() - offset) {
      throw MalformedMessage(fmt::format("{} is {} bytes long, too short for {} ({} bytes at offset {})", what_,
                                         bytes_.size(), field, length, offset));
    }
  }

  std::uint8_t u8(std::size_t offset, std::string_view field) const {
    require(offset, 1, field);
    return bytes_[offset];
  }
  std::int8_t i8(std::size_t offset, std::string_view field) const {
    return static_cast<std::int8_t>(u8(offset, field));
  }
  std::uint16_t u16(std::size_t offset, std::string_view field) const {
    return static_cast<std::uint16_t>(unsigned_be(offset, 2, field));
  }
  std::int16_t i16(std::size_t offset, std::string_view field) const {
    return static_cast<std::int16_t>(u16(offset, field));
  }
  std::uint32_t u32(std::size_t offset, std::string_view field) const {
    return static_cast<std::uint32_t>(unsigned_be(offset, 4, field));
  }
  std::int32_t i32(std::size_t offset, std::string_view field) const {
    return static_cast<std::int32_t>(u32(offset, field));
  }
  std::uint64_t u64(std::size_t offset, std::string_view field) const { return unsigned_be(offset, 8, field); }
  std::int64_t i64(std::size_t offset, std::string_view field) const {
    return static_cast<std::int64_t>(u64(offset, field));
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> array(std::size_t offset, std::string_view field) const {
    require(offset, N, field);
    std::array<std::uint8_t, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = bytes_[offset + i];
    return out;
  }
  ByteSpan sub(std::size_t offset, std::size_t length, std::string_view field) const {
    require(offset, length, field);
    return bytes_.subspan(offset, length);
  }

 private:
  std::uint64_t unsigned_be(std::size_t offset, std::size_t length, std::string_view field) const {
    require(offset, length, field);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < length; ++i) v = (v << 8) | bytes_[offset + i];
    return v;
  }

  ByteSpan bytes_;
  std::string_view what_;
};

// Appends big-endian fields to a growing buffer.
class BigEndianWriter {
 public:
  explicit BigEndianWriter(Bytes& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { unsigned_be(v, 2); }
  void u32(std::uint32_t v) { unsigned_be(v, 4); }
  void u64(std::uint64_t v) { unsigned_be(v, 8); }
  void bytes(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  // Overwrites a u16 already written, for length fields known only at the end.
  void patch_u16(std::size_t offset, std::uint16_t v) {
    out_.at(offset) = static_cast<std::uint8_t>(v >> 8);
    out_.at(offset + 1) = static_cast<std::uint8_t>(v);
  }

 private:
  void unsigned_be(std::uint64_t v, std::size_t length) {
    for (std::size_t i = length; i-- > 0;) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes& out_;
};

}  // namespace takt::ptp
