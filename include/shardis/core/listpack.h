#pragma once
// Listpack: a compact sequence of binary-safe strings in one contiguous heap buffer. It backs
// small hashes and sorted sets (Redis keeps those as listpacks up to 128 entries of 64-byte
// values), small lists, and each node of a Quicklist (8 KiB per node).
//
// Contract
// - Thread: owned by one shard thread; no internal synchronisation.
// - Owns one malloc'd buffer, grown by realloc (x1.5, so appends are amortised O(1)) and shrunk
//   when less than half of it is used. An empty listpack that never held anything has no buffer.
// - A value that is a canonical int64 (base::parse_int64, Redis string2ll: "12", "-7", not
//   "007", "-0", "+1" or " 1") is stored as an integer and reads back as LpValue{is_int = true};
//   any other value is stored byte for byte. Either way the text read back equals the text
//   stored, so callers may compare and reply without caring which form an entry took.
// - Pos is the byte offset of an entry (kNone = 0 means "no entry"; offset 0 is the header).
//   A Pos stays valid across mutations that only touch entries after it; LpValue::s views
//   point into the buffer and are valid until the next mutation.
// - Mutators accept values that point into this listpack's own buffer (they copy them first).
// - Insert and erase memmove the tail of the buffer (O(bytes)); get(index) walks from the
//   nearer end. That is the right trade for the small sizes a listpack is kept at; the owner
//   enforces those limits (used_bytes(), size()), the listpack only refuses to pass 4 GiB.
//
// Layout (little-endian; Shardis runs on little-endian hosts only)
//   header  u32 used bytes (header + entries), u32 entry count
//   entry   tag, payload, back-length
//     tag 0x00..0xBF  string of `tag` bytes (0..191), the bytes follow
//     tag 0xC0        string of 192 bytes or more: LEB128 length, then the bytes
//     tag 0xC1..0xC4  integer in 1, 2, 4 or 8 bytes, two's complement (the smallest that fits)
//     back-length     L = bytes of tag + payload, in 1..5 bytes of 7 bits read right to left:
//                     the last byte holds L's low 7 bits, bit 7 set when higher bits sit in the
//                     byte to its left. It lets prev() step back without a scan.
//   A short string costs 2 bytes of overhead, an integer 2 (so 1234 takes 4 bytes, not 6).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace shardis::core {

// One element as read back: an integer or a view of the stored bytes.
struct LpValue {
  bool is_int = false;
  int64_t i = 0;       // when is_int
  std::string_view s;  // when !is_int; points into the listpack
  // The value as text: s itself, or i formatted into scratch (which the result then views).
  std::string_view text(std::string& scratch) const;
  std::string to_string() const;
  // Byte equality with v's text.
  bool equals(std::string_view v) const;
};

class Listpack {
 public:
  using Pos = uint32_t;
  static constexpr Pos kNone = 0;
  static constexpr size_t kHeaderBytes = 8;

  Listpack() = default;
  ~Listpack();
  Listpack(Listpack&& o) noexcept : buf_(o.buf_), cap_(o.cap_) {
    o.buf_ = nullptr;
    o.cap_ = 0;
  }
  Listpack& operator=(Listpack&& o) noexcept;
  Listpack(const Listpack&) = delete;
  Listpack& operator=(const Listpack&) = delete;
  Listpack clone() const;

  size_t size() const { return buf_ ? load32(buf_ + 4) : 0; }
  bool empty() const { return size() == 0; }
  // Bytes allocated for the buffer (what the listpack costs in memory, minus the object).
  size_t bytes() const { return cap_; }
  // Bytes of header plus entries: what a node limit is measured against.
  size_t used_bytes() const { return buf_ ? load32(buf_) : kHeaderBytes; }
  // Bytes an entry holding v takes (tag, payload and back-length).
  static size_t entry_bytes(std::string_view v);

  void clear();
  void shrink_to_fit();
  // Makes room for `used` bytes (header included) without further reallocation.
  void reserve(size_t used);

  void push_front(std::string_view v) { put(kHeaderBytes, 0, 0, v); }
  void push_back(std::string_view v) { put(used_bytes(), 0, 0, v); }
  std::optional<std::string> pop_front();
  std::optional<std::string> pop_back();

  // Index access: a negative index counts from the end (-1 is the last entry), as in Redis.
  Pos seek(int64_t index) const;  // kNone when out of range
  std::optional<LpValue> get(int64_t index) const;
  // Inserts v before the entry at index; index == size() appends. False when out of range.
  bool insert(int64_t index, std::string_view v);
  bool replace(int64_t index, std::string_view v);
  bool erase(int64_t index);
  // Erases up to count entries from start (negative counts from the end); a count past the end
  // stops at the end. Returns how many were erased (0 when start is out of range).
  size_t erase_range(int64_t start, size_t count);
  // The first entry at or after `from` equal to v, comparing one entry then skipping `skip`
  // (skip = 1 looks only at the fields of a field/value listpack). kNone when absent.
  Pos find(std::string_view v, Pos from, size_t skip = 0) const;

  // Walking: for (Pos p = lp.first(); p != kNone; p = lp.next(p)) ...; each step is O(1).
  Pos first() const { return empty() ? kNone : static_cast<Pos>(kHeaderBytes); }
  Pos last() const { return empty() ? kNone : entry_before(used_bytes()); }
  Pos next(Pos p) const {
    size_t end = entry_end(p);
    return end < used_bytes() ? static_cast<Pos>(end) : kNone;
  }
  Pos prev(Pos p) const { return p == kHeaderBytes ? kNone : entry_before(p); }
  LpValue value_at(Pos p) const;
  size_t entry_bytes_at(Pos p) const { return entry_end(p) - p; }

  // Position-based mutation. insert_at puts v before the entry at p and returns v's position
  // (p itself); replace_at returns p; erase_at returns the position of the entry that followed
  // (p itself, or kNone when p was the last).
  Pos insert_at(Pos p, std::string_view v) { return put(p, 0, 0, v); }
  Pos replace_at(Pos p, std::string_view v) { return put(p, entry_bytes_at(p), 1, v); }
  Pos erase_at(Pos p);

  // Moves the entries from p to the end into a new listpack; this one keeps those before p.
  Listpack split(Pos p);
  // Appends copies of all of other's entries.
  void append(const Listpack& other);

  // Full structural check (bounds, tags, back-lengths both ways, count). For tests and, later,
  // for buffers read from disk.
  bool valid() const;

 private:
  static constexpr uint8_t kLongStrTag = 0xC0;
  static constexpr uint8_t kIntTagBase = 0xC0;  // 0xC1..0xC4: 1 << (tag - 0xC1) bytes

  struct Enc;

  static uint32_t load32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  static void store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
  static size_t backlen_bytes(size_t l) {
    return l < (size_t{1} << 7)    ? 1
           : l < (size_t{1} << 14) ? 2
           : l < (size_t{1} << 21) ? 3
           : l < (size_t{1} << 28) ? 4
                                   : 5;
  }
  // Tag + payload bytes of the entry at p; *payload receives the payload's offset.
  size_t encoded_len(Pos p, size_t* payload) const;
  size_t entry_end(Pos p) const {
    size_t payload;
    size_t l = encoded_len(p, &payload);
    return p + l + backlen_bytes(l);
  }
  // The entry ending at byte offset end.
  Pos entry_before(size_t end) const;

  // Replaces del_bytes bytes (del_count entries) at off with an entry for v; returns off.
  Pos put(size_t off, size_t del_bytes, size_t del_count, std::string_view v);
  // Removes del_bytes bytes (del_count entries) at off.
  void remove(size_t off, size_t del_bytes, size_t del_count);
  void grow(size_t need);
  void maybe_shrink();
  void set_header(size_t used, size_t count) {
    store32(buf_, static_cast<uint32_t>(used));
    store32(buf_ + 4, static_cast<uint32_t>(count));
  }

  uint8_t* buf_ = nullptr;
  size_t cap_ = 0;
};

inline size_t Listpack::encoded_len(Pos p, size_t* payload) const {
  const uint8_t t = buf_[p];
  if (t < kLongStrTag) {
    *payload = p + 1;
    return 1 + size_t{t};
  }
  if (t == kLongStrTag) {
    size_t len = 0;
    size_t q = p + 1;
    for (unsigned shift = 0;; shift += 7) {
      const uint8_t b = buf_[q++];
      len |= size_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) break;
    }
    *payload = q;
    return q - p + len;
  }
  *payload = p + 1;
  return 1 + (size_t{1} << (t - kIntTagBase - 1));
}

inline Listpack::Pos Listpack::entry_before(size_t end) const {
  size_t q = end - 1;
  size_t l = 0;
  for (unsigned shift = 0;; shift += 7) {
    const uint8_t b = buf_[q];
    l |= size_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) break;
    --q;
  }
  return static_cast<Pos>(q - l);
}

inline LpValue Listpack::value_at(Pos p) const {
  size_t payload;
  const size_t l = encoded_len(p, &payload);
  const uint8_t t = buf_[p];
  LpValue v;
  if (t <= kLongStrTag) {
    v.s = {reinterpret_cast<const char*>(buf_) + payload, l - (payload - p)};
    return v;
  }
  v.is_int = true;
  switch (t - kIntTagBase) {
    case 1: {
      int8_t x;
      std::memcpy(&x, buf_ + payload, 1);
      v.i = x;
      break;
    }
    case 2: {
      int16_t x;
      std::memcpy(&x, buf_ + payload, 2);
      v.i = x;
      break;
    }
    case 3: {
      int32_t x;
      std::memcpy(&x, buf_ + payload, 4);
      v.i = x;
      break;
    }
    default:
      std::memcpy(&v.i, buf_ + payload, 8);
      break;
  }
  return v;
}

}  // namespace shardis::core
