// Issue 11's weaker items on the plant loader: what a person sees for a file nested too deep,
// a file with a second document, and a file they may not read.
#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "control/model/loader.hpp"

using namespace takt::model;

namespace {

std::string errors_of(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d.str() + "\n";
  return s;
}

std::string repeat(const std::string& part, int n) {
  std::string s;
  s.reserve(part.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) s.append(part);
  return s;
}

// Runs `body` as user nobody in a child process when this test runs as root (root reads every
// file, whatever its mode); true when `body` returned true.
template <class F>
bool as_unprivileged(F body) {
  if (::geteuid() != 0) return body();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const bool ok = ::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 &&
                    ::setresuid(65534, 65534, 65534) == 0 && body();
    std::fflush(nullptr);
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("a plant nested 100000 levels deep is refused at level 65 naming the limit", "[model][hostile]") {
  // Flow sequences: the 65th '[' is at column 65.
  auto flow = load_plant_text(repeat("[", 100'000) + repeat("]", 100'000) + "\n", "deep.yaml");
  CHECK_FALSE(flow.plant);
  REQUIRE(flow.diagnostics.size() == 1);
  CHECK(flow.diagnostics[0].str() ==
        "deep.yaml:1:65: error: nesting deeper than 64 levels (a plant nests a few levels (section, name, key, list); "
        "at most 64 are read)");

  // Block sequences written compactly ("- - - x"): the 65th starts at column 129.
  auto block = load_plant_text(repeat("- ", 100'000) + "x\n", "deep.yaml");
  CHECK_FALSE(block.plant);
  REQUIRE(block.diagnostics.size() == 1);
  CHECK(block.diagnostics[0].where.line == 1);
  CHECK(block.diagnostics[0].where.column == 129);
  CHECK(block.diagnostics[0].message == "nesting deeper than 64 levels");

  // Flow mappings under a real section.
  auto maps = load_plant_text(std::string("plant: x\nstreams:\n  s: ")
                                  .append(repeat("{a: ", 100'000))
                                  .append("1")
                                  .append(repeat("}", 100'000))
                                  .append("\n"),
                              "deep.yaml");
  REQUIRE(maps.diagnostics.size() == 1);
  CHECK(maps.diagnostics[0].where.line == 3);
  CHECK(maps.diagnostics[0].message == "nesting deeper than 64 levels");
}

TEST_CASE("a plant nested 64 levels deep is read (and refused for what it says, not for its depth)",
          "[model][hostile]") {
  auto r = load_plant_text(repeat("[", 64) + repeat("]", 64) + "\n", "deep.yaml");
  INFO(errors_of(r));
  CHECK(errors_of(r).find("nesting") == std::string::npos);
  CHECK(errors_of(r).find("a plant must be a mapping") != std::string::npos);
}

TEST_CASE("a plant file with a second YAML document is refused at the second document's start", "[model][hostile]") {
  auto r = load_plant_text("plant: one\n---\nplant: two\n", "two.yaml");
  CHECK_FALSE(r.plant);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str().rfind("two.yaml:2:1: error: a second YAML document starts here; a plant file holds "
                                     "exactly one",
                                     0) == 0);

  // A document start marker before the only document, and an end marker after it, are fine.
  auto one = load_plant_text("---\nplant: one\n...\n", "one.yaml");
  CHECK(errors_of(one).find("second YAML document") == std::string::npos);
}

TEST_CASE("a plant file the user may not read says Permission denied", "[model][hostile]") {
  const auto dir =
      std::filesystem::temp_directory_path() / std::string("takt-model-perm-").append(std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "plant.yaml").string();
  std::ofstream(path) << "plant: secret\n";
  REQUIRE(::chmod(path.c_str(), 0) == 0);
  std::filesystem::permissions(dir, std::filesystem::perms::all);  // nobody may reach the file, not read it
  const bool said = as_unprivileged([&] {
    const auto r = load_plant_file(path);
    return !r.plant && r.diagnostics.size() == 1 &&
           r.diagnostics[0].str().rfind(path + ":1:1: error: cannot open: Permission denied (give the user", 0) == 0;
  });
  std::filesystem::remove_all(dir);
  CHECK(said);

  const auto missing = load_plant_file("/nonexistent/plant.yaml");
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].str() ==
        "/nonexistent/plant.yaml:1:1: error: cannot open: No such file or directory (check the path)");
}
