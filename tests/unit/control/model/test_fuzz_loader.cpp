// Bad input never crashes: random bytes, mutated plants and pathological YAML all end in
// diagnostics, never in an exception or a signal.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "control/model/loader.hpp"

using namespace takt::model;

namespace {
std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("random bytes give diagnostics, not crashes") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<std::size_t>(rng() % 512), '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    LoadResult r;
    REQUIRE_NOTHROW(r = load_plant_text(s, "random.yaml"));
    CHECK_FALSE(r.plant.has_value());
    CHECK_FALSE(r.diagnostics.empty());
  }
}

TEST_CASE("mutated example plants never crash") {
  const std::string base = read(std::string(TAKT_CONFIGS_DIR) + "/plants/small-cell.yaml");
  REQUIRE(base.size() > 100);
  std::mt19937_64 rng(7);
  const std::string alphabet = " :-[]{}#,\n\t\"'&*!|>%@`0123456789abcxyzusmB";
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          s.erase(at, 1 + rng() % 8);
          break;
        default:
          s.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
      if (s.empty()) s.push_back('x');  // not s = "x": GCC 12 -O3 reports a false -Wrestrict (bug 105329)
    }
    LoadResult r;
    REQUIRE_NOTHROW(r = load_plant_text(s, "mutated.yaml"));
    if (!r.plant) {
      ++rejected;
      for (const auto& d : r.diagnostics) {
        CHECK(d.where.line >= 1);
        CHECK(d.where.column >= 1);
      }
    }
  }
  CHECK(rejected > 1000);
}

TEST_CASE("pathological YAML: deep nesting, aliases, huge numbers") {
  std::string deep(100000, '[');
  LoadResult r;
  REQUIRE_NOTHROW(r = load_plant_text(deep, "deep.yaml"));
  CHECK_FALSE(r.plant);
  REQUIRE_NOTHROW(r = load_plant_text("a: &x [*x]\n", "alias.yaml"));
  CHECK_FALSE(r.plant);
  REQUIRE_NOTHROW(r = load_plant_text("bridges: {sw1: {ports: 99999999999999999999}}\n", "big.yaml"));
  CHECK_FALSE(r.plant);
  REQUIRE_NOTHROW(r = load_plant_text("", "empty.yaml"));
  CHECK_FALSE(r.plant);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].message == "the plant file is empty");
}
