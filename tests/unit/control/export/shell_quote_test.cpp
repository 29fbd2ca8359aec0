#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "control/export/shell_quote.hpp"

using namespace takt;

namespace {

// What /bin/sh prints for `printf '%s' <word>`: the word as the shell sees it, byte for byte
// (printf rather than echo, which some shells let interpret backslashes).
std::string shell_echo(const std::string& word) {
  const std::string cmd = "printf '%s' " + word;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[256];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

}  // namespace

TEST_CASE("shell_quote wraps the text in single quotes", "[export][shell]") {
  CHECK(exporter::shell_quote("p2") == "'p2'");
  CHECK(exporter::shell_quote("") == "''");
  CHECK(exporter::shell_quote("it's") == "'it'\\''s'");
}

TEST_CASE("a quoted word reaches sh literally, whatever it holds", "[export][shell]") {
  const auto marker = std::filesystem::temp_directory_path() / ("takt-shell-quote-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  const std::string touch = "touch " + marker.string();
  const std::string hostile[] = {
      "p2$(" + touch + ")",
      "`" + touch + "`",
      "it's; " + touch,
      "'",
      "''\\''",
      "two  spaces and\ttab",
      "line one\nline two\n" + touch + "\n",
      "$HOME ${PATH} * ? [a] ~ & | ; < > # !",
      "\\n\\\\ \"double\"",
  };
  for (const auto& text : hostile) {
    INFO(text);
    CHECK(shell_echo(exporter::shell_quote(text)) == text);
  }
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("shell comment text has no line breaks", "[export][shell]") {
  CHECK(exporter::shell_comment_text("sw1:p1") == "sw1:p1");
  CHECK(exporter::shell_comment_text("a\nrm -rf x\r\x7f") == "a?rm -rf x??");
}
