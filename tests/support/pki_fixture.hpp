#pragma once
// Certificates made by scripts/pki.sh into a fresh temporary folder, as a deployment would
// make them: a CA, a server certificate for localhost/127.0.0.1, a client certificate; and a
// second, unrelated CA with its own client certificate, which agents must not trust.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace takt::agent::test {

struct Pki {
  std::filesystem::path dir;
  std::string ca, server_cert, server_key, client_cert, client_key;
  std::string rogue_ca, rogue_client_cert, rogue_client_key;

  Pki() {
    dir = std::filesystem::temp_directory_path() /
          ("takt-pki-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    run(dir / "good", "--client taktctl");
    run(dir / "rogue", "--client intruder");
    const auto g = dir / "good";
    const auto r = dir / "rogue";
    ca = g / "ca.pem";
    server_cert = g / "server-localhost.pem";
    server_key = g / "server-localhost.key";
    client_cert = g / "client-taktctl.pem";
    client_key = g / "client-taktctl.key";
    rogue_ca = r / "ca.pem";
    rogue_client_cert = r / "client-intruder.pem";
    rogue_client_key = r / "client-intruder.key";
  }
  ~Pki() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

 private:
  static void run(const std::filesystem::path& out, const std::string& args) {
    const std::string cmd =
        std::string(TAKT_SOURCE_DIR) + "/scripts/pki.sh " + out.string() + " " + args + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("scripts/pki.sh failed: " + cmd);
  }
};

}  // namespace takt::agent::test
