#pragma once
// Intset: a small set of int64 values kept as one sorted array of fixed-width integers (the
// "intset" encoding of Redis sets).
//
// Contract
// - Thread: owned by the shard that owns the key; no internal synchronisation.
// - Owns one heap buffer (none while empty). The values are distinct, in
//   ascending order, and all stored at width() bytes: 2, 4 or 8, the narrowest width that fits
//   every value ever added. A wider value upgrades the whole array; the width never shrinks,
//   not even when remove() takes the wide values away again (as Redis).
// - add/remove cost O(n) (a memmove); contains is a binary search. The structure is meant for
//   small sets: converting to a hash table past set-max-intset-entries or on a non-integer
//   member is the caller's job (size() is all it needs).
// - get(i) and iteration are in ascending order. add/remove invalidate iterators.
// - At most UINT32_MAX values (add throws std::length_error beyond that).
#include <cstddef>
#include <cstdint>
#include <iterator>

namespace shardis::core {

class Intset {
 public:
  class const_iterator {
   public:
    using iterator_concept = std::forward_iterator_tag;
    using iterator_category = std::input_iterator_tag;  // yields values, not references
    using value_type = int64_t;
    using difference_type = std::ptrdiff_t;
    using reference = int64_t;
    using pointer = void;

    const_iterator() = default;
    int64_t operator*() const { return set_->get(i_); }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }

   private:
    friend class Intset;
    const_iterator(const Intset* s, size_t i) : set_(s), i_(i) {}
    const Intset* set_ = nullptr;
    size_t i_ = 0;
  };

  Intset() = default;
  ~Intset();
  Intset(const Intset& other);
  Intset& operator=(const Intset& other);
  Intset(Intset&& other) noexcept;
  Intset& operator=(Intset&& other) noexcept;

  // Inserts v; false if it was already present. May upgrade the width.
  bool add(int64_t v);
  // Removes v; false if it was absent. Never changes the width.
  bool remove(int64_t v);
  bool contains(int64_t v) const;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The i-th smallest value; i < size().
  int64_t get(size_t i) const;
  // A member chosen by `rnd` (any random value): get(rnd % size()). Requires !empty().
  int64_t random(uint64_t rnd) const;
  int64_t min() const { return get(0); }          // requires !empty()
  int64_t max() const { return get(size_ - 1); }  // requires !empty()

  // Bytes per stored value: 2, 4 or 8 (Redis INTSET_ENC_INT16/32/64).
  unsigned width() const { return width_; }
  // The narrowest width that can hold v.
  static unsigned width_for(int64_t v);
  // Heap bytes held by the buffer (capacity, not just size).
  size_t bytes() const { return size_t{cap_} * width_; }

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

  // Removes every value and frees the buffer; the width goes back to 2.
  void clear();

 private:
  // Position of v, or of where v would go, and whether it is present.
  size_t search(int64_t v, bool* found) const;
  void set_at(size_t i, int64_t v);
  // Makes room for at least n values at width w (realloc; the values keep their old width).
  void reserve(size_t n, unsigned w);
  // Widens every value to w and inserts v (which needs w) at the front or the back.
  void upgrade_and_add(int64_t v, unsigned w);

  void* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t cap_ = 0;  // values that fit in data_ at width_
  uint8_t width_ = 2;
};

}  // namespace shardis::core
