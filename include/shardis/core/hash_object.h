#pragma once
// HashObject: the value of a Redis hash (field -> value, both binary-safe strings), in Redis
// 7.0's two encodings.
//
// Contract
// - Thread: owned by the shard that owns the key; no internal synchronisation. Pure data
//   structure: no server headers, no I/O.
// - Encodings, as Redis 7.0 with its default limits:
//     "listpack"   a Listpack of field, value, field, value... in insertion order, while the
//                  hash has at most kMaxListpackEntries fields and every field and value is at
//                  most kMaxListpackValue bytes;
//     "hashtable"  a HashTable of HashNode (field and value in one allocation). set() converts
//                  as soon as either limit is passed; a hash never converts back.
// - Views (string_view) handed out by get(), for_each(), scan() and the sampling functions are
//   valid until the next mutation of the object. Values of a listpack that are stored as
//   integers are rendered into the caller's Scratch (or a local buffer during a callback).
// - Callbacks must not mutate the object.
// - scan(): a listpack hash is reported whole in one step (cursor 0 in, 0 out, whatever the
//   cursor), as Redis does; a hashtable hash uses HashTable's reverse-binary cursor, so every
//   field present for a whole scan is reported at least once, even across resizes.
#include <shardis/core/hash_table.h>
#include <shardis/core/listpack.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace shardis::core {

// One field and its value in a single malloc'd block:
//   [u32 field length][u32 value length][field bytes][value bytes]
// A value update rewrites the block in place when the allocation has room for it (the block's
// usable size is the allocator's, so no capacity field is stored).
class HashNode {
 public:
  static HashNode* create(std::string_view field, std::string_view value);
  static void destroy(HashNode* n);
  static HashNode* clone(const HashNode* n);
  // Gives n the value v (which may view n's own bytes) and returns the node to keep: n itself
  // when the value was rewritten in place, else a new block (n is then freed).
  static HashNode* set_value(HashNode* n, std::string_view v);

  std::string_view field() const { return {bytes(), field_len_}; }
  std::string_view value() const { return {bytes() + field_len_, value_len_}; }
  // Bytes the allocator reserved for the block.
  size_t alloc_bytes() const;

 private:
  HashNode() = default;
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  static size_t need(size_t field_len, size_t value_len) {
    return sizeof(HashNode) + field_len + value_len;
  }

  uint32_t field_len_ = 0;
  uint32_t value_len_ = 0;
};

struct HashNodeTraits {
  static std::string_view key(const HashNode* n) { return n->field(); }
  static uint64_t hash(std::string_view field);  // XXH3 with a per-process seed
};

class HashObject {
 public:
  static constexpr size_t kMaxListpackEntries = 512;  // hash-max-listpack-entries
  static constexpr size_t kMaxListpackValue = 64;     // hash-max-listpack-value

  enum class Encoding : uint8_t { kListpack, kHashtable };

  // Room to render an integer-encoded listpack value as text.
  using Scratch = std::array<char, 24>;

  HashObject() = default;
  ~HashObject();
  HashObject(HashObject&& other) noexcept;
  HashObject& operator=(HashObject&& other) noexcept;
  HashObject(const HashObject&) = delete;
  HashObject& operator=(const HashObject&) = delete;
  // A deep copy, in the same encoding.
  HashObject clone() const;

  size_t size() const { return table_ ? table_->size() : lp_.size() / 2; }
  bool empty() const { return size() == 0; }
  Encoding encoding() const { return table_ ? Encoding::kHashtable : Encoding::kListpack; }
  const char* encoding_name() const { return table_ ? "hashtable" : "listpack"; }
  // Heap bytes of the object: itself, its listpack or table buckets, and its nodes.
  size_t bytes() const;

  bool contains(std::string_view field) const;
  // The value of field, or nullopt. An integer-encoded value is rendered into scratch.
  std::optional<std::string_view> get(std::string_view field, Scratch& scratch) const;
  // Length of the value of field (0 when absent), without rendering it.
  size_t value_len(std::string_view field) const;

  // Sets field to value; true when the field is new, false when an existing value was replaced.
  // Converts to "hashtable" first when the field or value is longer than kMaxListpackValue, and
  // after the insert when the hash has more than kMaxListpackEntries fields. An updated field
  // keeps its place in a listpack.
  bool set(std::string_view field, std::string_view value);
  // Removes field; true if it was present.
  bool erase(std::string_view field);

  // Calls fn(field, value) for every pair: insertion order for a listpack, table order for a
  // hashtable.
  template <typename Fn>
  void for_each(Fn&& fn) const;

  // One step of a scan (see the contract); calls fn(field, value) per pair reported and returns
  // the next cursor, 0 when the scan is complete.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const;

  // Calls fn(field, value) `count` times with pairs chosen at random, repeats allowed. O(size)
  // set-up for a listpack, then O(1) per pick.
  template <typename Fn>
  void sample_with_repeats(size_t count, std::mt19937_64& gen, Fn&& fn) const;
  // Calls fn(field, value) for min(count, size()) distinct pairs chosen at random (the whole
  // hash, in iteration order, when count >= size()). Memory is bounded by size(), never by
  // count.
  template <typename Fn>
  void sample_distinct(size_t count, std::mt19937_64& gen, Fn&& fn) const;

  // Converts to "hashtable" (no-op when it is one already).
  void convert_to_hashtable();

 private:
  using Table = HashTable<HashNode, HashNodeTraits>;

  // Position of field's entry in the listpack, or Listpack::kNone.
  Listpack::Pos lp_find(std::string_view field) const {
    return lp_.empty() ? Listpack::kNone : lp_.find(field, lp_.first(), 1);
  }
  static std::string_view lp_text(const LpValue& v, Scratch& scratch);
  // Calls fn(field, value) for the pair whose field sits at p.
  template <typename Fn>
  void lp_visit(Listpack::Pos p, Fn& fn) const {
    Scratch fs, vs;
    const Listpack::Pos vp = lp_.next(p);
    fn(lp_text(lp_.value_at(p), fs), lp_text(lp_.value_at(vp), vs));
  }
  // Field positions of the listpack, in order.
  std::vector<Listpack::Pos> lp_field_positions() const;
  void free_nodes();

  Listpack lp_;                   // the pairs while the encoding is "listpack"
  std::unique_ptr<Table> table_;  // set once the encoding is "hashtable"
  size_t node_bytes_ = 0;         // alloc_bytes() summed over table_'s nodes
};

// ---------------------------------------------------------------------------------------------

template <typename Fn>
void HashObject::for_each(Fn&& fn) const {
  if (table_) {
    table_->for_each([&](HashNode* n) { fn(n->field(), n->value()); });
    return;
  }
  for (Listpack::Pos p = lp_.first(); p != Listpack::kNone; p = lp_.next(lp_.next(p))) {
    lp_visit(p, fn);
  }
}

template <typename Fn>
uint64_t HashObject::scan(uint64_t cursor, Fn&& fn) const {
  if (table_) return table_->scan(cursor, [&](HashNode* n) { fn(n->field(), n->value()); });
  for_each(fn);
  return 0;
}

template <typename Fn>
void HashObject::sample_with_repeats(size_t count, std::mt19937_64& gen, Fn&& fn) const {
  if (empty()) return;
  if (table_) {
    for (size_t i = 0; i < count; ++i) {
      const HashNode* n = table_->random(gen());
      fn(n->field(), n->value());
    }
    return;
  }
  const std::vector<Listpack::Pos> fields = lp_field_positions();
  for (size_t i = 0; i < count; ++i) lp_visit(fields[gen() % fields.size()], fn);
}

template <typename Fn>
void HashObject::sample_distinct(size_t count, std::mt19937_64& gen, Fn&& fn) const {
  const size_t n = size();
  if (count >= n) {
    for_each(fn);
    return;
  }
  // Picks `count` of `pool` by a partial Fisher-Yates shuffle.
  auto pick_from = [&](auto& pool, auto&& visit) {
    for (size_t i = 0; i < count; ++i) {
      std::swap(pool[i], pool[i + gen() % (pool.size() - i)]);
      visit(pool[i]);
    }
  };
  if (!table_) {
    std::vector<Listpack::Pos> fields = lp_field_positions();
    pick_from(fields, [&](Listpack::Pos p) { lp_visit(p, fn); });
    return;
  }
  if (count * 3 > n) {
    // A large share of the hash: shuffle all of it (n < 3 * count, so bounded by the reply).
    std::vector<const HashNode*> all;
    all.reserve(n);
    table_->for_each([&](HashNode* node) { all.push_back(node); });
    pick_from(all, [&](const HashNode* node) { fn(node->field(), node->value()); });
    return;
  }
  // A small share: random picks, dropping repeats; at most a third of the hash is taken, so
  // each pick is new with probability above 2/3.
  std::unordered_set<const HashNode*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const HashNode* node = table_->random(gen());
    if (seen.insert(node).second) fn(node->field(), node->value());
  }
}

}  // namespace shardis::core
