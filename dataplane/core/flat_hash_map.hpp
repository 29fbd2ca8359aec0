#pragma once
// Fixed-capacity open-addressing hash map (linear probing, backward-shift deletion). All memory
// is taken at construction, so inserts, lookups and erases on the per-frame path never
// allocate. It never grows: an insert that would pass the load limit fails and the caller
// counts it (a learning table that is full is an operational fact, not a reason to stall).
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace takt {

// splitmix64 finaliser: cheap and mixes every input bit, so packed MAC+VID keys whose
// low bits barely differ still spread over the table.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

template <class Key, class Value, class Hash>
class FlatHashMap {
 public:
  // Room for `max_entries` at a load factor of at most 1/2, which keeps probe runs short.
  explicit FlatHashMap(std::size_t max_entries = 0)
      : max_entries_(max_entries),
        slots_(std::bit_ceil(std::max<std::size_t>(2 * max_entries, 8))),
        mask_(slots_.size() - 1) {}

  std::size_t size() const { return size_; }
  std::size_t max_entries() const { return max_entries_; }

  Value* find(const Key& key) {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  const Value* find(const Key& key) const { return const_cast<FlatHashMap*>(this)->find(key); }

  // Inserts or overwrites. Returns nullptr only when the key is new and the map is full.
  Value* insert_or_assign(const Key& key, const Value& value) {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) break;
      if (s.key == key) {
        s.value = value;
        return &s.value;
      }
    }
    if (size_ >= max_entries_) return nullptr;
    slots_[i] = Slot{key, value, true};
    ++size_;
    return &slots_[i].value;
  }

  bool erase(const Key& key) {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (!slots_[i].used) return false;
      if (slots_[i].key == key) break;
    }
    erase_slot(i);
    return true;
  }

  // Removes every entry for which pred(key, value) holds. Restarts a slot after a shift,
  // because backward-shift deletion may move a not-yet-visited entry into it.
  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::size_t removed = 0;
    for (std::size_t i = 0; i < slots_.size();) {
      Slot& s = slots_[i];
      if (s.used && pred(std::as_const(s.key), std::as_const(s.value))) {
        erase_slot(i);
        ++removed;
        continue;
      }
      ++i;
    }
    return removed;
  }

  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const Slot& s : slots_)
      if (s.used) fn(s.key, s.value);
  }

  void clear() {
    for (Slot& s : slots_) s.used = false;
    size_ = 0;
  }

 private:
  struct Slot {
    Key key{};
    Value value{};
    bool used = false;
  };

  std::size_t home(const Key& key) const { return static_cast<std::size_t>(Hash{}(key)) & mask_; }

  // Backward-shift deletion keeps probe chains intact without tombstones, so a table that
  // learns and ages for months never degrades.
  void erase_slot(std::size_t hole) {
    slots_[hole].used = false;
    --size_;
    for (std::size_t j = (hole + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
      const std::size_t want = home(slots_[j].key);
      // Move j into the hole if its home is not within (hole, j] cyclically.
      const bool stays = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      slots_[j].used = false;
      hole = j;
    }
  }

  std::size_t max_entries_;
  std::size_t size_ = 0;
  std::vector<Slot> slots_;
  std::size_t mask_;
};

}  // namespace takt
