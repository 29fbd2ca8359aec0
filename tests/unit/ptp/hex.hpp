#pragma once
// Test helper: bytes from the hex dumps in ptp4l-management.md (spaces and newlines ignored).
#include <string_view>

#include "ptp/byte_codec.hpp"

namespace takt::ptp::test {

Bytes from_hex(std::string_view hex);

}  // namespace takt::ptp::test
