#pragma once
// SetObject: the value of a Redis set key, in Redis 7.0's two encodings.
//
// Contract
// - Thread: owned by the shard that owns the key; no internal synchronisation.
// - Encoding: "intset" (core::Intset) while every member is a canonical integer
//   (base::parse_int64) and there are at most kMaxIntsetEntries members; the first member that
//   is not one, or member number kMaxIntsetEntries + 1, converts the set to "hashtable"
//   (core::HashTable of SetMember blocks). A set never converts back by itself; the only way
//   back is to build a new SetObject (SPOP does, as Redis, when it keeps a remainder).
// - A default-constructed set is an empty intset with no heap memory; adding a non-integer to it
//   converts it at once, which is what Redis's setTypeCreate does for a set whose first member is
//   not an integer.
// - Owns every SetMember of its table (one heap block each) and frees them on destruction.
// - Members are binary-safe byte strings of at most UINT32_MAX bytes (add throws
//   std::length_error beyond that). Members of an intset are reported in their canonical decimal
//   form, in ascending numeric order; a hashtable has no defined order.
// - Views handed to callbacks (for_each, scan) live for the duration of the call only.
// - Hashes are XXH3 with a seed drawn once per process.
#include <shardis/core/hash_table.h>
#include <shardis/core/intset.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace shardis::core {

// One member of a hashtable-encoded set: a single heap block holding a 32-bit length followed by
// the bytes (no terminator). Created and destroyed only through create/destroy.
class SetMember {
 public:
  static SetMember* create(std::string_view bytes);
  static void destroy(SetMember* m);

  std::string_view view() const { return {data(), len_}; }
  // Heap bytes of the block, allocator overhead included.
  size_t alloc_bytes() const;

  SetMember(const SetMember&) = delete;
  SetMember& operator=(const SetMember&) = delete;

 private:
  SetMember() = default;
  ~SetMember() = default;
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }

  uint32_t len_ = 0;
};

struct SetMemberTraits {
  static std::string_view key(const SetMember* m) { return m->view(); }
  static uint64_t hash(std::string_view member);
};

class SetObject {
 public:
  // Redis 7.0's set-max-intset-entries default.
  static constexpr size_t kMaxIntsetEntries = 512;
  enum class Encoding : uint8_t { kIntset, kHashTable };
  using Table = HashTable<SetMember, SetMemberTraits>;

  SetObject() = default;
  ~SetObject();
  // A deep copy with the same encoding (COPY, and sets read across shards).
  SetObject(const SetObject& other);
  SetObject& operator=(const SetObject& other) = delete;
  SetObject(SetObject&& other) noexcept;
  SetObject& operator=(SetObject&& other) noexcept;

  Encoding encoding() const { return table_ ? Encoding::kHashTable : Encoding::kIntset; }
  // OBJECT ENCODING: "intset" or "hashtable".
  const char* encoding_name() const;
  size_t size() const { return table_ ? table_->size() : ints_.size(); }
  // The members while encoding() is kIntset (empty otherwise).
  const Intset& intset() const { return ints_; }
  bool empty() const { return size() == 0; }

  // Adds member; false if it was already present. May convert the set to a hashtable.
  bool add(std::string_view member);
  // Removes member; false if it was absent. Never changes the encoding.
  bool remove(std::string_view member);
  bool contains(std::string_view member) const;

  // A pseudo-random member chosen with `rnd` (any 64-bit random value), copied out.
  // Requires !empty(). Not exactly uniform for a hashtable (see HashTable::random).
  std::string random_member(uint64_t rnd) const;
  // Removes a member chosen as random_member does and returns it. Requires !empty().
  std::string pop_random(uint64_t rnd);

  // Calls fn(std::string_view) once per member: ascending for an intset. The set must not change
  // during the walk.
  template <typename Fn>
  void for_each(Fn&& fn) const;

  // One SSCAN step. A hashtable reports the members of the bucket(s) named by cursor and returns
  // the next cursor (HashTable::scan's guarantees); an intset reports every member, ascending,
  // and returns 0. fn(std::string_view) must not change the set.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) const;

  // Converts an intset to a hashtable holding the same members (no-op for a hashtable).
  void convert_to_hashtable();

  // Heap bytes held: the object itself, the intset buffer, the table's buckets and members.
  size_t bytes() const;

 private:
  // An intset member rendered as text: fn(std::string_view).
  template <typename Fn>
  static void with_int_text(int64_t v, Fn& fn);
  static size_t format_int(int64_t v, char* buf);
  SetMember* find_member(std::string_view member) const;
  void destroy_table();

  Intset ints_;                   // the members while encoding() is kIntset; empty otherwise
  std::unique_ptr<Table> table_;  // the members once converted
  size_t member_bytes_ = 0;       // sum of alloc_bytes() over the table's members
};

// ---------------------------------------------------------------------------------------------

template <typename Fn>
void SetObject::with_int_text(int64_t v, Fn& fn) {
  char buf[24];
  fn(std::string_view(buf, format_int(v, buf)));
}

template <typename Fn>
void SetObject::for_each(Fn&& fn) const {
  if (table_) {
    table_->for_each([&](SetMember* m) { fn(m->view()); });
    return;
  }
  for (int64_t v : ints_) with_int_text(v, fn);
}

template <typename Fn>
uint64_t SetObject::scan(uint64_t cursor, Fn&& fn) const {
  if (table_) return table_->scan(cursor, [&](SetMember* m) { fn(m->view()); });
  for (int64_t v : ints_) with_int_text(v, fn);
  return 0;
}

}  // namespace shardis::core
