#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/file_text.hpp"

using takt::read_file_text;

TEST_CASE("an input file is read whole, and a file that cannot be read says why", "[common][file]") {
  const auto dir =
      std::filesystem::temp_directory_path() / std::string("takt-file-text-").append(std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "in.txt").string();
  std::ofstream(path) << "a,b\n1,2\n";

  auto text = read_file_text(path);
  REQUIRE(text.ok());
  CHECK(*text == "a,b\n1,2\n");

  auto missing = read_file_text((dir / "nope.csv").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == (dir / "nope.csv").string() + ": cannot open: No such file or directory");
  CHECK(missing.error().hint == "check the path");

  auto folder = read_file_text(dir.string());
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().message == dir.string() + ": cannot read: Is a directory");

  auto large = read_file_text(path, 4);
  REQUIRE_FALSE(large.ok());
  CHECK(large.error().message == path + ": larger than 4 bytes, the most takt reads from one input file");

  auto fifo = read_file_text("/dev/zero");
  REQUIRE_FALSE(fifo.ok());
  CHECK(fifo.error().message == "/dev/zero: cannot read: not a regular file");
  std::filesystem::remove_all(dir);
}
