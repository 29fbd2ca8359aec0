#pragma once
// Reading a parsed JSON document member by member with the JSON pointer of each member in
// hand, so that every error a reader throws names where it is ("/ports/2/link-rate-bps: ...").
// Shared by the readers of takt-bridge/1 and takt-station/1; texts quote excerpts of values,
// never dumps (bounded_json.hpp).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dataplane/core/config_error.hpp"
#include "dataplane/core/mac_address.hpp"
#include "protocol/bounded_json.hpp"

namespace takt {

// A JSON value and the pointer that leads to it, so every error names where it is.
struct JsonNode {
  const nlohmann::json& value;
  std::string pointer;

  [[noreturn]] void fail(const std::string& message) const {
    throw ConfigError((pointer.empty() ? std::string("/") : pointer) + ": " + message);
  }
  JsonNode operator[](std::string_view key) const {
    if (!value.is_object()) fail("expected an object");
    auto it = value.find(key);
    if (it == value.end()) fail("missing \"" + std::string(key) + "\"");
    return {*it, pointer + "/" + std::string(key)};
  }
  bool has(std::string_view key) const { return value.is_object() && value.contains(key); }
  JsonNode at(std::size_t i) const { return {value[i], pointer + "/" + std::to_string(i)}; }
  std::size_t array_size() const {
    if (!value.is_array()) fail("expected an array");
    return value.size();
  }
  std::string string() const {
    if (!value.is_string()) fail("expected a string");
    return value.get<std::string>();
  }
  bool boolean() const {
    if (!value.is_boolean()) fail("expected true or false");
    return value.get<bool>();
  }
  // RFC 7951 writes 64-bit integers as strings; 32-bit and smaller as numbers. Both are read.
  std::uint64_t unsigned_in(std::uint64_t max) const {
    std::uint64_t v = 0;
    if (value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
      v = value.get<std::uint64_t>();
    } else if (value.is_string()) {
      const std::string s = value.get<std::string>();
      std::size_t used = 0;
      try {
        if (s.empty() || s[0] == '-' || s[0] == '+') throw std::invalid_argument(s);
        v = std::stoull(s, &used, 10);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != s.size() || s.empty()) fail("expected an unsigned integer, got \"" + text_excerpt(s, 40) + "\"");
    } else {
      fail("expected an unsigned integer up to " + std::to_string(max) + ", got " + json_excerpt(value));
    }
    if (v > max) fail(std::to_string(v) + " is above the maximum " + std::to_string(max));
    return v;
  }
  std::int64_t signed_in(std::int64_t min, std::int64_t max) const {
    if (!value.is_number_integer()) fail("expected an integer, got " + json_excerpt(value));
    const auto v = value.get<std::int64_t>();
    if (v < min || v > max) fail(std::to_string(v) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    return v;
  }
  MacAddress mac() const {
    auto m = MacAddress::parse(string());
    if (!m)
      fail("\"" + text_excerpt(value.get<std::string>(), 40) +
           "\" is not a MAC address (write it as 02:00:00:00:00:01)");
    return *m;
  }
};

}  // namespace takt
