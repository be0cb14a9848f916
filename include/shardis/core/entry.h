#pragma once
// Entry: one key and its value, packed into a single Slab block.
//
// Contract
// - Thread: owned by the shard that owns the key.
// - Layout (byte offsets; no padding, unaligned fields are read with memcpy):
//     0      meta: bits 0-2 type, bits 3-4 value kind, bit 5 has TTL, bit 6 long key,
//            bit 7 a private copy (Redis: an integer object not shared, as COPY makes)
//     1..2   access clock (seconds, wraps at 2^16), for OBJECT IDLETIME
//     3      key length (short key, < 255 bytes)  | 3..6 key length (long key)
//     [u32]  index of the key's node in the TTL heap, present only when the key has a TTL
//     key bytes
//     value: kInt     1-byte width w (1, 2, 4 or 8) + w bytes, little-endian two's complement
//            kEmb     1-byte length + bytes (at most kMaxEmbLen)
//            kRaw     pointer to a heap std::string (the entry owns it)
//            kObject  pointer to a typed object (the owner of the entry frees it per type)
//   A 16-byte key with a 3-byte value takes 24 bytes.
// - A key without a TTL spends no byte on it. Changing the value kind, the embedded length or
//   the TTL presence means building a new Entry (rebuild()); pointer values change in place.
// - The Entry never frees its payload: free_block() releases the block only.
#include <shardis/core/slab.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace shardis::core {

enum class ValueKind : uint8_t { kInt = 0, kEmb = 1, kRaw = 2, kObject = 3 };

// What a new entry holds.
struct EntryValue {
  ValueKind kind = ValueKind::kEmb;
  int64_t i = 0;              // kInt
  std::string_view emb;       // kEmb
  void* ptr = nullptr;        // kRaw, kObject
  bool private_copy = false;  // meta bit 7, kept by rebuild()

  static EntryValue of_int(int64_t v) { return {ValueKind::kInt, v, {}, nullptr}; }
  static EntryValue of_emb(std::string_view s) { return {ValueKind::kEmb, 0, s, nullptr}; }
  static EntryValue of_ptr(ValueKind k, void* p) { return {k, 0, {}, p}; }
};

class Entry {
 public:
  // Redis keeps strings of up to 44 bytes inside the object ("embstr").
  static constexpr size_t kMaxEmbLen = 44;

  static size_t bytes_for(size_t key_len, bool ttl, const EntryValue& v);
  static Entry* create(Slab& slab, uint8_t type, std::string_view key, bool ttl,
                       const EntryValue& v, uint16_t clock);
  // A new entry with the same key, type, clock and TTL index (when `ttl` stays true) and value v;
  // frees `old`'s block (not its payload).
  static Entry* rebuild(Slab& slab, Entry* old, bool ttl, const EntryValue& v);
  static void free_block(Slab& slab, Entry* e);

  uint8_t type() const { return meta() & 7; }
  ValueKind kind() const { return static_cast<ValueKind>((meta() >> 3) & 3); }
  bool has_ttl() const { return (meta() & kTtlBit) != 0; }
  bool private_copy() const { return (meta() & kPrivateBit) != 0; }
  uint16_t clock() const {
    uint16_t c;
    std::memcpy(&c, p() + 1, 2);
    return c;
  }
  void set_clock(uint16_t c) { std::memcpy(p() + 1, &c, 2); }

  uint32_t ttl_index() const {
    uint32_t i;
    std::memcpy(&i, p() + key_len_end(), 4);
    return i;
  }
  void set_ttl_index(uint32_t i) { std::memcpy(p() + key_len_end(), &i, 4); }

  std::string_view key() const {
    return {reinterpret_cast<const char*>(p()) + key_off(), key_len()};
  }

  int64_t int_value() const;     // kind() == kInt
  std::string_view emb() const;  // kind() == kEmb
  void* ptr() const;             // kind() == kRaw or kObject
  void set_ptr(void* q);         // kind() == kRaw or kObject
  std::string* raw() const { return static_cast<std::string*>(ptr()); }

  // Bytes of the block (what bytes_for gave when it was made).
  size_t bytes() const;

 private:
  static constexpr uint8_t kTtlBit = 1 << 5;
  static constexpr uint8_t kLongKeyBit = 1 << 6;
  static constexpr uint8_t kPrivateBit = 1 << 7;

  const uint8_t* p() const { return reinterpret_cast<const uint8_t*>(this); }
  uint8_t* p() { return reinterpret_cast<uint8_t*>(this); }
  uint8_t meta() const { return p()[0]; }
  bool long_key() const { return (meta() & kLongKeyBit) != 0; }
  size_t key_len_end() const { return long_key() ? 7 : 4; }
  size_t key_len() const {
    if (!long_key()) return p()[3];
    uint32_t n;
    std::memcpy(&n, p() + 3, 4);
    return n;
  }
  size_t key_off() const { return key_len_end() + (has_ttl() ? 4 : 0); }
  size_t value_off() const { return key_off() + key_len(); }
};

}  // namespace shardis::core
