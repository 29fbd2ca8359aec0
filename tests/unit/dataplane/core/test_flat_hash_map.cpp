#include <catch2/catch.hpp>
#include <random>
#include <unordered_map>

#include "dataplane/core/flat_hash_map.hpp"

using namespace takt;

namespace {
// Deliberately poor hash so probe chains collide and wrap around the table end.
struct CollidingHash {
  // Homes 12..15 and 0 in a 16-slot table: probe chains wrap around the end.
  std::uint64_t operator()(std::uint64_t k) const { return (k % 5) + 12; }
};
}  // namespace

TEST_CASE("flat hash map agrees with unordered_map under random insert/erase", "[flat_hash_map]") {
  for (int variant = 0; variant < 2; ++variant) {
    std::mt19937_64 rng(7 + variant);
    FlatHashMap<std::uint64_t, int, CollidingHash> colliding(6);
    FlatHashMap<std::uint64_t, int, decltype([](std::uint64_t k) { return mix64(k); })> mixed(64);
    std::unordered_map<std::uint64_t, int> ref;
    const std::size_t cap = variant == 0 ? 6 : 64;
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t k = rng() % (cap * 2);
      const int op = static_cast<int>(rng() % 3);
      if (op < 2) {
        const bool fits = ref.count(k) != 0 || ref.size() < cap;
        const bool ok =
            variant == 0 ? colliding.insert_or_assign(k, i) != nullptr : mixed.insert_or_assign(k, i) != nullptr;
        REQUIRE(ok == fits);
        if (fits) ref[k] = i;
      } else {
        const bool erased = variant == 0 ? colliding.erase(k) : mixed.erase(k);
        REQUIRE(erased == (ref.erase(k) == 1));
      }
      for (std::uint64_t q = 0; q < cap * 2; ++q) {
        const int* v = variant == 0 ? colliding.find(q) : mixed.find(q);
        auto it = ref.find(q);
        REQUIRE((v != nullptr) == (it != ref.end()));
        if (v != nullptr) REQUIRE(*v == it->second);
      }
    }
  }
}

TEST_CASE("erase_if removes exactly the matching entries even across shifted chains", "[flat_hash_map]") {
  FlatHashMap<std::uint64_t, int, CollidingHash> m(6);
  for (std::uint64_t k = 0; k < 6; ++k) REQUIRE(m.insert_or_assign(k, static_cast<int>(k)) != nullptr);
  CHECK(m.insert_or_assign(99, 0) == nullptr);  // full
  CHECK(m.erase_if([](std::uint64_t k, int) { return k % 2 == 0; }) == 3);
  CHECK(m.size() == 3);
  for (std::uint64_t k = 0; k < 6; ++k) CHECK((m.find(k) != nullptr) == (k % 2 == 1));
}
