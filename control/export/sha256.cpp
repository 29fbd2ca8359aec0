#include "control/export/sha256.hpp"

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace takt::exporter {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext start() {
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL cannot start a SHA-256 digest");
  return ctx;
}

void update(EVP_MD_CTX* ctx, const char* data, std::size_t size) {
  if (EVP_DigestUpdate(ctx, data, size) != 1) throw std::runtime_error("OpenSSL SHA-256 update failed");
}

std::string finish(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx, md.data(), &length) != 1) throw std::runtime_error("OpenSSL SHA-256 final failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  auto ctx = start();
  update(ctx.get(), data.data(), data.size());
  return finish(ctx.get());
}

std::optional<std::string> sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  auto ctx = start();
  std::array<char, 65536> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() > 0) update(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return finish(ctx.get());
}

}  // namespace takt::exporter
