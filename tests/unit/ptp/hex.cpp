#include "hex.hpp"

#include <cctype>
#include <stdexcept>
#include <string>

namespace takt::ptp::test {

Bytes from_hex(std::string_view hex) {
  std::string digits;
  for (char c : hex) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      throw std::invalid_argument(std::string("not a hex digit: ") + c);
    }
  }
  if (digits.size() % 2 != 0) throw std::invalid_argument("odd number of hex digits");
  Bytes out;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace takt::ptp::test
