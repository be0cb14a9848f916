// Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO, with Redis
// 7.0's replies and errors.
//
// A bitmap is a string value read as bits, most significant bit of the first byte first. Reads see
// an int-encoded value as its decimal text; writes edit the value in place through
// Db::mutable_string, which turns it into a raw string as Redis does. Each cmd_* parses its
// arguments, calls an op_* that works on the Db alone and returns a result, then writes exactly
// one reply. BITOP names several keys and runs whole: on their shard, or, when they span shards,
// on a scratch store the keys are moved into (txn/txn.h).
//
// Writes fire Redis's events: "setbit" from SETBIT and BITFIELD, only when they change the value
// (create it, grow it or flip a bit, as Redis 7.0 counts), "set" or "del" on BITOP's destination.
// All are propagated as sent.
//
// Redis 7.0 reads the key of BITCOUNT and BITPOS before it parses their range arguments: a missing
// key answers 0 (or BITPOS's default) and a key of another type WRONGTYPE, whatever the range. The
// commands below parse first and hand any argument error to the op_*, which reports it only where
// Redis would.
#include <shardis/base/number_format.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/families/family_util.h>
#include <shardis/server/registry.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_meta.h"

namespace shardis::server {
namespace {

constexpr std::string_view kErrBitOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kErrBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kErrBitArg = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kErrBitopNot = "ERR BITOP NOT must be called with a single source key.";
constexpr std::string_view kErrBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
constexpr std::string_view kErrOverflowType = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kErrBitfieldRo = "ERR BITFIELD_RO only supports the GET subcommand";

bool is_string(const core::Entry* e) {
  return Db::type_of(e) == ObjType::kString;
}

const uint8_t* bytes_of(std::string_view v) {
  return reinterpret_cast<const uint8_t*>(v.data());
}

// The 8 bytes at p as a big-endian word: bit 0 of the bitmap is the word's top bit.
uint64_t load_be64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
  return w;
}

// Set bits in n bytes, a word at a time.
uint64_t popcount_bytes(const uint8_t* p, size_t n) {
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t i = 0;
  auto word = [&](size_t at) {
    uint64_t w;
    std::memcpy(&w, p + at, 8);
    return w;
  };
  // Four independent counters let the popcounts overlap.
  for (; i + 32 <= n; i += 32) {
    c0 += std::popcount(word(i));
    c1 += std::popcount(word(i + 8));
    c2 += std::popcount(word(i + 16));
    c3 += std::popcount(word(i + 24));
  }
  for (; i + 8 <= n; i += 8) c0 += std::popcount(word(i));
  for (; i < n; ++i) c1 += std::popcount(static_cast<unsigned>(p[i]));
  return c0 + c1 + c2 + c3;
}

// The position of the first bit equal to `bit` in bits [first, last] of p, or -1. Works a
// 64-bit word at a time; the bytes read never pass byte last / 8.
int64_t find_bit(const uint8_t* p, uint64_t first, uint64_t last, bool bit) {
  const uint64_t last_byte = last >> 3;
  uint64_t pos = first;
  while (pos <= last) {
    const uint64_t byte = pos >> 3;
    const uint64_t base = byte << 3;
    uint64_t w;
    if (last_byte - byte >= 7) {
      w = load_be64(p + byte);
    } else {
      w = 0;
      for (uint64_t i = 0; i < 8; ++i) w = (w << 8) | (byte + i <= last_byte ? p[byte + i] : 0);
    }
    if (!bit) w = ~w;
    w &= ~uint64_t{0} >> (pos - base);  // bits before pos
    const uint64_t span = last - base + 1;
    if (span < 64) w &= ~(~uint64_t{0} >> span);  // bits after last
    if (w != 0) return static_cast<int64_t>(base + std::countl_zero(w));
    pos = base + 64;
  }
  return -1;
}

// Redis getBitOffsetFromArgument: a non-negative integer whose byte is below the 512MB limit.
// With `hash` and bits > 0, "#N" means N * bits (multiplied with wrap-around, as Redis does).
std::optional<uint64_t> parse_bit_offset(std::string_view arg, bool hash, int bits) {
  bool use_hash = hash && bits > 0 && !arg.empty() && arg[0] == '#';
  std::optional<int64_t> v = base::parse_int64(use_hash ? arg.substr(1) : arg);
  if (!v) return std::nullopt;
  int64_t off = *v;
  if (use_hash)
    off = static_cast<int64_t>(static_cast<uint64_t>(off) * static_cast<uint64_t>(bits));
  if (off < 0 || static_cast<uint64_t>(off >> 3) >= kMaxStringLen) return std::nullopt;
  return static_cast<uint64_t>(off);
}

// A range [start, end] of BITCOUNT / BITPOS, in bytes or (BIT) bits, with Redis's index rules,
// turned into bits [first, last] of a value of len bytes. False when the range is empty.
bool resolve_bit_range(int64_t start, int64_t end, bool bit_unit, size_t len, uint64_t* first,
                       uint64_t* last) {
  int64_t total = static_cast<int64_t>(len);
  if (bit_unit) total <<= 3;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return false;
  if (bit_unit) {
    *first = static_cast<uint64_t>(start);
    *last = static_cast<uint64_t>(end);
  } else {
    *first = static_cast<uint64_t>(start) << 3;
    *last = (static_cast<uint64_t>(end) << 3) + 7;
  }
  return true;
}

// Set bits in bits [first, last] of p.
uint64_t count_bits(const uint8_t* p, uint64_t first, uint64_t last) {
  const uint64_t fb = first >> 3, lb = last >> 3;
  uint64_t n = popcount_bytes(p + fb, lb - fb + 1);
  const unsigned head = static_cast<unsigned>(first & 7);       // bits of byte fb before first
  const unsigned tail = static_cast<unsigned>(7 - (last & 7));  // bits of byte lb after last
  if (head != 0) n -= std::popcount(static_cast<unsigned>(p[fb] & (0xffu << (8 - head)) & 0xffu));
  if (tail != 0) n -= std::popcount(static_cast<unsigned>(p[lb] & ((1u << tail) - 1)));
  return n;
}

struct IntResult {
  std::string_view error;  // empty on success
  int64_t value = 0;
  bool changed = false;  // the value was created, grown or edited (SETBIT)
};

// ---- SETBIT / GETBIT ----

// Redis 7.0 counts a change when the value is created or grown, or when the bit flips.
IntResult op_setbit(Db& db, std::string_view key, uint64_t offset, bool on) {
  const core::Entry* e = db.find(key);
  if (e != nullptr && !is_string(e)) return {kErrWrongType, 0};
  bool changed = e == nullptr;
  std::string* s = db.mutable_string(key, true);
  const uint64_t byte = offset >> 3;
  if (s->size() <= byte) {
    s->resize(byte + 1, '\0');
    changed = true;
  }
  const unsigned mask = 1u << (7 - (offset & 7));
  unsigned char c = static_cast<unsigned char>((*s)[byte]);
  const bool old = (c & mask) != 0;
  c = on ? (c | mask) : (c & ~mask);
  (*s)[byte] = static_cast<char>(c);
  return {{}, old ? 1 : 0, changed || old != on};
}

IntResult op_getbit(Db& db, std::string_view key, uint64_t offset) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {};
  if (!is_string(e)) return {kErrWrongType, 0};
  std::string scratch;
  std::string_view v = Db::string_of(e, scratch);
  const uint64_t byte = offset >> 3;
  if (byte >= v.size()) return {};
  return {{}, (bytes_of(v)[byte] >> (7 - (offset & 7))) & 1};
}

void cmd_setbit(ExecContext& ctx) {
  std::optional<uint64_t> offset = parse_bit_offset(ctx.args[2], false, 0);
  if (!offset) return ctx.rb.error(kErrBitOffset);
  std::optional<int64_t> on = base::parse_int64(ctx.args[3]);
  if (!on || (*on & ~int64_t{1}) != 0) return ctx.rb.error(kErrBitValue);
  IntResult res = op_setbit(ctx.db, ctx.args[1], *offset, *on == 1);
  if (!res.error.empty()) return ctx.rb.error(res.error);
  if (res.changed) ctx.changed(kNotifyString, "setbit", ctx.args[1]);
  ctx.rb.integer(res.value);
}

void cmd_getbit(ExecContext& ctx) {
  std::optional<uint64_t> offset = parse_bit_offset(ctx.args[2], false, 0);
  if (!offset) return ctx.rb.error(kErrBitOffset);
  IntResult res = op_getbit(ctx.db, ctx.args[1], *offset);
  if (!res.error.empty()) return ctx.rb.error(res.error);
  ctx.rb.integer(res.value);
}

// ---- BITCOUNT / BITPOS ----

// The optional range of BITCOUNT and BITPOS, parsed before the key is read.
struct RangeArgs {
  std::string_view error;   // reported only for an existing string key
  bool early_zero = false;  // BITCOUNT: two negative indexes in the wrong order
  bool has_range = false;
  bool end_given = false;
  bool bit_unit = false;  // BIT rather than BYTE
  int64_t start = 0;
  int64_t end = 0;
};

// BITCOUNT key [start end [BYTE | BIT]]; Redis checks the unit after the early zero.
RangeArgs parse_bitcount_range(ArgList args) {
  RangeArgs r;
  if (args.size() == 2) return r;
  if (args.size() != 4 && args.size() != 5) return {.error = kErrSyntax};
  std::optional<int64_t> start = base::parse_int64(args[2]);
  std::optional<int64_t> end = base::parse_int64(args[3]);
  if (!start || !end) return {.error = kErrNotInteger};
  r.has_range = r.end_given = true;
  r.start = *start;
  r.end = *end;
  if (r.start < 0 && r.end < 0 && r.start > r.end) {
    r.early_zero = true;
    return r;
  }
  if (args.size() == 5) {
    if (base::iequals(args[4], "bit")) {
      r.bit_unit = true;
    } else if (!base::iequals(args[4], "byte")) {
      return {.error = kErrSyntax};
    }
  }
  return r;
}

// BITPOS key bit [start [end [BYTE | BIT]]]; Redis checks the unit before it parses end.
RangeArgs parse_bitpos_range(ArgList args) {
  RangeArgs r;
  if (args.size() == 3) return r;
  if (args.size() > 6) return {.error = kErrSyntax};
  std::optional<int64_t> start = base::parse_int64(args[3]);
  if (!start) return {.error = kErrNotInteger};
  r.has_range = true;
  r.start = *start;
  if (args.size() == 6) {
    if (base::iequals(args[5], "bit")) {
      r.bit_unit = true;
    } else if (!base::iequals(args[5], "byte")) {
      return {.error = kErrSyntax};
    }
  }
  if (args.size() >= 5) {
    std::optional<int64_t> end = base::parse_int64(args[4]);
    if (!end) return {.error = kErrNotInteger};
    r.end = *end;
    r.end_given = true;
  }
  return r;
}

IntResult op_bitcount(Db& db, std::string_view key, const RangeArgs& range) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {};
  if (!is_string(e)) return {kErrWrongType, 0};
  if (!range.error.empty()) return {range.error, 0};
  if (range.early_zero) return {};
  std::string scratch;
  std::string_view v = Db::string_of(e, scratch);
  uint64_t first = 0, last = 0;
  if (range.has_range) {
    if (!resolve_bit_range(range.start, range.end, range.bit_unit, v.size(), &first, &last)) {
      return {};
    }
  } else {
    if (v.empty()) return {};
    last = (static_cast<uint64_t>(v.size()) << 3) - 1;
  }
  return {{}, static_cast<int64_t>(count_bits(bytes_of(v), first, last))};
}

// A missing key is an endless run of 0 bits. Not finding a 0 in a range whose end was not given
// answers the first bit past it, as if the value were padded with zeros.
IntResult op_bitpos(Db& db, std::string_view key, bool bit, const RangeArgs& range) {
  const core::Entry* e = db.find(key);
  if (e == nullptr) return {{}, bit ? -1 : 0};
  if (!is_string(e)) return {kErrWrongType, 0};
  if (!range.error.empty()) return {range.error, 0};
  std::string scratch;
  std::string_view v = Db::string_of(e, scratch);
  int64_t start = 0;
  int64_t end = static_cast<int64_t>(v.size()) - 1;
  if (range.has_range) {
    start = range.start;
    if (range.end_given) end = range.end;
  }
  uint64_t first = 0, last = 0;
  if (!resolve_bit_range(start, end, range.bit_unit, v.size(), &first, &last)) return {{}, -1};
  int64_t pos = find_bit(bytes_of(v), first, last, bit);
  if (pos < 0 && !bit && !range.end_given) pos = static_cast<int64_t>(last + 1);
  return {{}, pos};
}

void cmd_bitcount(ExecContext& ctx) {
  IntResult res = op_bitcount(ctx.db, ctx.args[1], parse_bitcount_range(ctx.args));
  if (!res.error.empty()) return ctx.rb.error(res.error);
  ctx.rb.integer(res.value);
}

void cmd_bitpos(ExecContext& ctx) {
  std::optional<int64_t> bit = base::parse_int64(ctx.args[2]);
  if (!bit) return ctx.rb.error(kErrNotInteger);
  if (*bit != 0 && *bit != 1) return ctx.rb.error(kErrBitArg);
  IntResult res = op_bitpos(ctx.db, ctx.args[1], *bit == 1, parse_bitpos_range(ctx.args));
  if (!res.error.empty()) return ctx.rb.error(res.error);
  ctx.rb.integer(res.value);
}

// ---- BITOP ----

enum class BitOp : uint8_t { kAnd, kOr, kXor, kNot };

// dst = dst op src over their common prefix, 8 bytes at a time.
void combine(BitOp op, uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t a, b;
    std::memcpy(&a, dst + i, 8);
    std::memcpy(&b, src + i, 8);
    a = op == BitOp::kAnd ? (a & b) : op == BitOp::kOr ? (a | b) : (a ^ b);
    std::memcpy(dst + i, &a, 8);
  }
  for (; i < n; ++i) {
    dst[i] = op == BitOp::kAnd  ? (dst[i] & src[i])
             : op == BitOp::kOr ? (dst[i] | src[i])
                                : (dst[i] ^ src[i]);
  }
}

// Folds the sources into one result, one source at a time (an entry pointer does not outlive
// the next lookup); a missing source is an empty string, and every value is zero-padded to the
// longest. Stores the result at dest as a raw string with no TTL, or deletes dest when the result
// is empty (`changed` then tells whether there was one). Nothing is written if a source has
// another type.
IntResult op_bitop(Db& db, BitOp op, std::string_view dest, ArgList sources) {
  std::string res;
  for (size_t k = 0; k < sources.size(); ++k) {
    const core::Entry* e = db.find(sources[k]);
    if (e != nullptr && !is_string(e)) return {kErrWrongType, 0};
    std::string scratch;
    std::string_view v = e == nullptr ? std::string_view() : Db::string_of(e, scratch);
    if (k == 0) {
      res.assign(v);
      continue;
    }
    const size_t common = std::min(res.size(), v.size());
    combine(op, reinterpret_cast<uint8_t*>(res.data()), bytes_of(v), common);
    if (op == BitOp::kAnd) {
      // Past the shorter of the two, AND meets zero padding.
      std::fill(res.begin() + static_cast<std::ptrdiff_t>(common), res.end(), '\0');
      res.resize(v.size() > res.size() ? v.size() : res.size(), '\0');
    } else if (v.size() > res.size()) {
      res.append(v.substr(res.size()));
    }
  }
  if (op == BitOp::kNot) {
    for (char& c : res) c = static_cast<char>(~c);
  }
  const int64_t len = static_cast<int64_t>(res.size());
  const bool existed = db.erase(dest);
  if (len > 0) db.mutable_string(dest, true)->swap(res);
  return {{}, len, existed};
}

std::optional<BitOp> parse_bitop(std::string_view name) {
  if (base::iequals(name, "and")) return BitOp::kAnd;
  if (base::iequals(name, "or")) return BitOp::kOr;
  if (base::iequals(name, "xor")) return BitOp::kXor;
  if (base::iequals(name, "not")) return BitOp::kNot;
  return std::nullopt;
}

// BITOP reads its sources once the operation is known (and NOT has exactly one).
std::vector<uint32_t> bitop_sources(ArgList args) {
  std::optional<BitOp> op = parse_bitop(args[1]);
  if (!op || (*op == BitOp::kNot && args.size() != 4)) return {};
  std::vector<uint32_t> out;
  for (size_t i = 3; i < args.size(); ++i) out.push_back(static_cast<uint32_t>(i));
  return out;
}

void cmd_bitop(ExecContext& ctx) {
  std::optional<BitOp> parsed = parse_bitop(ctx.args[1]);
  if (!parsed) return ctx.rb.error(kErrSyntax);
  BitOp op = *parsed;
  if (op == BitOp::kNot && ctx.args.size() != 4) return ctx.rb.error(kErrBitopNot);
  IntResult res = op_bitop(ctx.db, op, ctx.args[2], ctx.args.subspan(3));
  if (!res.error.empty()) return ctx.rb.error(res.error);
  if (res.value > 0) {
    ctx.changed(kNotifyString, "set", ctx.args[2]);
  } else if (res.changed) {
    ctx.changed(kNotifyGeneric, "del", ctx.args[2]);
  }
  ctx.rb.integer(res.value);
}

// ---- BITFIELD / BITFIELD_RO ----

enum class Overflow : uint8_t { kWrap, kSat, kFail };
enum class FieldOp : uint8_t { kGet, kSet, kIncrBy };

struct FieldStep {
  FieldOp op;
  Overflow overflow;
  bool is_signed;
  unsigned bits;    // 1..64 signed, 1..63 unsigned
  uint64_t offset;  // in bits
  int64_t value;    // SET value or INCRBY increment
};

struct FieldPlan {
  std::vector<FieldStep> steps;
  bool writes = false;
  uint64_t highest_bit = 0;  // last bit any SET or INCRBY touches
};

// The unsigned integer in bits [offset, offset + bits) of p; bytes past len read as zero.
uint64_t get_field(const uint8_t* p, size_t len, uint64_t offset, unsigned bits) {
  uint64_t v = 0;
  while (bits > 0) {
    const uint64_t byte = offset >> 3;
    const unsigned in = static_cast<unsigned>(offset & 7);
    const unsigned take = std::min(8u - in, bits);
    const unsigned b = byte < len ? p[byte] : 0;
    v = (v << take) | ((b >> (8 - in - take)) & ((1u << take) - 1));
    offset += take;
    bits -= take;
  }
  return v;
}

// Writes the low `bits` bits of value at bits [offset, offset + bits) of p (which holds them).
void set_field(uint8_t* p, uint64_t offset, unsigned bits, uint64_t value) {
  while (bits > 0) {
    const uint64_t byte = offset >> 3;
    const unsigned in = static_cast<unsigned>(offset & 7);
    const unsigned take = std::min(8u - in, bits);
    const unsigned shift = 8 - in - take;
    const unsigned low = (1u << take) - 1;
    const unsigned chunk = static_cast<unsigned>(value >> (bits - take)) & low;
    p[byte] = static_cast<uint8_t>((p[byte] & ~(low << shift)) | (chunk << shift));
    offset += take;
    bits -= take;
  }
}

// The low `bits` bits of v as a signed integer.
int64_t sign_extend(uint64_t v, unsigned bits) {
  if (bits < 64) {
    const uint64_t high = ~uint64_t{0} << bits;
    v = (v & (uint64_t{1} << (bits - 1))) != 0 ? (v | high) : (v & ~high);
  }
  return static_cast<int64_t>(v);
}

// Redis checkUnsignedBitfieldOverflow: 1 on overflow, -1 on underflow, 0 when value + incr fits.
// On overflow *out is the wrapped or saturated value. Kept operation for operation (with wrapping
// arithmetic where C would overflow), so that its edge cases answer as Redis's do.
int check_unsigned(uint64_t value, int64_t incr, unsigned bits, Overflow ow, uint64_t* out) {
  const uint64_t max = (uint64_t{1} << bits) - 1;
  const int64_t max_incr = static_cast<int64_t>(max - value);
  const int64_t min_incr = static_cast<int64_t>(uint64_t{0} - value);
  const uint64_t wrapped = (value + static_cast<uint64_t>(incr)) & max;
  if (value > max || (incr > 0 && incr > max_incr)) {
    *out = ow == Overflow::kWrap ? wrapped : max;
    return 1;
  }
  if (incr < 0 && incr < min_incr) {
    *out = ow == Overflow::kWrap ? wrapped : 0;
    return -1;
  }
  return 0;
}

// Redis checkSignedBitfieldOverflow, same conventions.
int check_signed(int64_t value, int64_t incr, unsigned bits, Overflow ow, int64_t* out) {
  const int64_t max =
      bits == 64 ? INT64_MAX : static_cast<int64_t>((uint64_t{1} << (bits - 1)) - 1);
  const int64_t min = -max - 1;
  const int64_t max_incr =
      static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const int64_t min_incr =
      static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  const int64_t wrapped =
      sign_extend(static_cast<uint64_t>(value) + static_cast<uint64_t>(incr), bits);
  if (value > max || (bits != 64 && incr > max_incr) ||
      (value >= 0 && incr > 0 && incr > max_incr)) {
    *out = ow == Overflow::kWrap ? wrapped : max;
    return 1;
  }
  if (value < min || (bits != 64 && incr < min_incr) ||
      (value < 0 && incr < 0 && incr < min_incr)) {
    *out = ow == Overflow::kWrap ? wrapped : min;
    return -1;
  }
  return 0;
}

// Runs one SET or INCRBY on p; the reply value, or nullopt when OVERFLOW FAIL refused it.
// *differs: whether the field's new value differs from its old one.
std::optional<int64_t> apply_field_write(uint8_t* p, const FieldStep& s, bool* differs) {
  const uint64_t raw = get_field(p, SIZE_MAX, s.offset, s.bits);
  if (s.is_signed) {
    const int64_t old = sign_extend(raw, s.bits);
    int64_t next, limited = 0;
    int overflow;
    if (s.op == FieldOp::kIncrBy) {
      overflow = check_signed(old, s.value, s.bits, s.overflow, &limited);
      next =
          overflow
              ? limited
              : static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(s.value));
    } else {
      overflow = check_signed(s.value, 0, s.bits, s.overflow, &limited);
      next = overflow ? limited : s.value;
    }
    if (overflow && s.overflow == Overflow::kFail) return std::nullopt;
    set_field(p, s.offset, s.bits, static_cast<uint64_t>(next));
    *differs = next != old;
    return s.op == FieldOp::kIncrBy ? next : old;
  }
  uint64_t next, limited = 0;
  int overflow;
  if (s.op == FieldOp::kIncrBy) {
    overflow = check_unsigned(raw, s.value, s.bits, s.overflow, &limited);
    next = overflow ? limited : raw + static_cast<uint64_t>(s.value);
  } else {
    overflow = check_unsigned(static_cast<uint64_t>(s.value), 0, s.bits, s.overflow, &limited);
    next = overflow ? limited : static_cast<uint64_t>(s.value);
  }
  if (overflow && s.overflow == Overflow::kFail) return std::nullopt;
  set_field(p, s.offset, s.bits, next);
  *differs = next != raw;
  return static_cast<int64_t>(s.op == FieldOp::kIncrBy ? next : raw);
}

int64_t read_field(const uint8_t* p, size_t len, const FieldStep& s) {
  const uint64_t raw = get_field(p, len, s.offset, s.bits);
  return s.is_signed ? sign_extend(raw, s.bits) : static_cast<int64_t>(raw);
}

// Redis getBitfieldTypeFromArgument: 'i' or 'u' then the width (read up to a NUL, as Redis
// does); i1..i64 and u1..u63.
std::optional<std::pair<bool, unsigned>> parse_field_type(std::string_view arg) {
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return std::nullopt;
  const bool is_signed = arg[0] == 'i';
  std::optional<int64_t> bits = base::parse_int64(c_str_view(arg.substr(1)));
  if (!bits || *bits < 1 || *bits > (is_signed ? 64 : 63)) return std::nullopt;
  return std::pair<bool, unsigned>(is_signed, static_cast<unsigned>(*bits));
}

// Parses the subcommands; returns an error text, or an empty view when the plan is complete.
std::string_view parse_bitfield(ArgList args, FieldPlan* plan) {
  Overflow overflow = Overflow::kWrap;
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t rest = args.size() - j - 1;
    std::string_view sub = args[j];
    FieldOp op;
    if (base::iequals(sub, "get") && rest >= 2) {
      op = FieldOp::kGet;
    } else if (base::iequals(sub, "set") && rest >= 3) {
      op = FieldOp::kSet;
    } else if (base::iequals(sub, "incrby") && rest >= 3) {
      op = FieldOp::kIncrBy;
    } else if (base::iequals(sub, "overflow") && rest >= 1) {
      std::string_view kind = args[++j];
      if (base::iequals(kind, "wrap")) {
        overflow = Overflow::kWrap;
      } else if (base::iequals(kind, "sat")) {
        overflow = Overflow::kSat;
      } else if (base::iequals(kind, "fail")) {
        overflow = Overflow::kFail;
      } else {
        return kErrOverflowType;
      }
      continue;
    } else {
      return kErrSyntax;
    }
    auto type = parse_field_type(args[j + 1]);
    if (!type) return kErrBitfieldType;
    std::optional<uint64_t> offset =
        parse_bit_offset(args[j + 2], true, static_cast<int>(type->second));
    if (!offset) return kErrBitOffset;
    FieldStep step{op, overflow, type->first, type->second, *offset, 0};
    if (op != FieldOp::kGet) {
      plan->writes = true;
      plan->highest_bit = std::max(plan->highest_bit, *offset + type->second - 1);
      std::optional<int64_t> v = base::parse_int64(args[j + 3]);
      if (!v) return kErrNotInteger;
      step.value = *v;
    }
    plan->steps.push_back(step);
    j += op == FieldOp::kGet ? 2 : 3;
  }
  return {};
}

// A BITFIELD of GETs only is a read (keymiss when its key is missing); any write is not.
std::vector<uint32_t> bitfield_read_keys(ArgList args) {
  FieldPlan plan;
  if (!parse_bitfield(args, &plan).empty() || plan.writes) return {};
  return {1};
}

struct FieldResult {
  std::string_view error;
  std::vector<std::optional<int64_t>> values;  // one per step; nullopt: refused by FAIL
  // Redis's count of changes: each write that ran, when the value was created or grown, else
  // each write that changed its field. Zero: nothing to report (even if the value was created
  // or grown and then every write refused, as Redis 7.0).
  uint64_t changes = 0;
};

// Only GETs: a plain read, a missing key reads as zeros. Any write: the value is created or
// zero-padded up to the last bit written (even if OVERFLOW FAIL then refuses every write).
FieldResult op_bitfield(Db& db, std::string_view key, const FieldPlan& plan, bool read_only_cmd) {
  FieldResult res;
  if (!plan.writes) {
    const core::Entry* e = db.find(key);
    if (e != nullptr && !is_string(e)) return {kErrWrongType, {}};
    std::string scratch;
    std::string_view v = e == nullptr ? std::string_view() : Db::string_of(e, scratch);
    res.values.reserve(plan.steps.size());
    for (const FieldStep& s : plan.steps)
      res.values.emplace_back(read_field(bytes_of(v), v.size(), s));
    return res;
  }
  if (read_only_cmd) return {kErrBitfieldRo, {}};
  const core::Entry* e = db.find(key);
  if (e != nullptr && !is_string(e)) return {kErrWrongType, {}};
  bool grown = e == nullptr;
  std::string* str = db.mutable_string(key, true);
  const uint64_t need = (plan.highest_bit >> 3) + 1;
  if (str->size() < need) {
    str->resize(need, '\0');
    grown = true;
  }
  uint8_t* p = reinterpret_cast<uint8_t*>(str->data());
  res.values.reserve(plan.steps.size());
  for (const FieldStep& s : plan.steps) {
    if (s.op == FieldOp::kGet) {
      res.values.emplace_back(read_field(p, str->size(), s));
    } else {
      bool differs = false;
      res.values.push_back(apply_field_write(p, s, &differs));
      if (res.values.back() && (grown || differs)) ++res.changes;
    }
  }
  return res;
}

void run_bitfield(ExecContext& ctx, bool read_only_cmd) {
  FieldPlan plan;
  std::string_view err = parse_bitfield(ctx.args, &plan);
  if (!err.empty()) return ctx.rb.error(err);
  FieldResult res = op_bitfield(ctx.db, ctx.args[1], plan, read_only_cmd);
  if (!res.error.empty()) return ctx.rb.error(res.error);
  // One "setbit" for the whole command; dirty counts the changes, as Redis's.
  if (res.changes > 0) ctx.changed(kNotifyString, "setbit", ctx.args[1], res.changes);
  ctx.rb.array(res.values.size());
  for (const std::optional<int64_t>& v : res.values) {
    if (v) {
      ctx.rb.integer(*v);
    } else {
      ctx.rb.null();
    }
  }
}

void cmd_bitfield(ExecContext& ctx) {
  run_bitfield(ctx, false);
}
void cmd_bitfield_ro(ExecContext& ctx) {
  run_bitfield(ctx, true);
}

// ---- COMMAND INFO / DOCS metadata (checked against redis-server 7.0.15) ----

#include "bitmap_family_args.inc"

// BITFIELD is read-only when it has only GET and OVERFLOW operations, complete with their
// arguments; anything else, a syntax error included, counts as a write.
std::string_view bitfield_key_flags(ArgList args) {
  for (size_t i = 2; i < args.size(); ++i) {
    size_t rest = args.size() - i - 1;
    if (base::iequals(args[i], "get") && rest >= 2) {
      i += 2;
    } else if (base::iequals(args[i], "overflow") && rest >= 1) {
      i += 1;
    } else {
      return "RW access update";
    }
  }
  return "RO access";
}

constexpr HistoryEntry kBitUnit = {"7.0.0", "Added the `BYTE|BIT` option."};

constexpr RedisMeta kSetbitMeta{.key_flags = "RW access update", .args = kSetbitArgs};
constexpr RedisMeta kGetbitMeta{.key_flags = "RO access", .args = kGetbitArgs};
constexpr RedisMeta kBitcountMeta{
    .key_flags = "RO access", .history = {{kBitUnit}}, .args = kBitcountArgs};
constexpr RedisMeta kBitposMeta{
    .key_flags = "RO access", .history = {{kBitUnit}}, .args = kBitposArgs};
constexpr RedisMeta kBitopMeta{.key_specs = {{{.index = 2, .flags = "OW update"},
                                              {.index = 3, .flags = "RO access", .lastkey = -1}}},
                               .args = kBitopArgs};
constexpr RedisMeta kBitfieldMeta{
    .key_flags = "RW access update variable_flags",
    .key_notes = "This command allows both access and modification of the key",
    .variable_key_flags = bitfield_key_flags,
    .args = kBitfieldArgs};
constexpr RedisMeta kBitfieldRoMeta{.key_flags = "RO access", .args = kBitfieldRoArgs};

}  // namespace

void register_bitmap_family(Registry& r) {
  constexpr uint32_t kReadFast = kAclRead | kAclBitmap | kAclFast;
  constexpr uint32_t kReadSlow = kAclRead | kAclBitmap | kAclSlow;
  constexpr uint32_t kWriteSlow = kAclWrite | kAclBitmap | kAclSlow;
  r.add({.name = "setbit",
         .arity = 4,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_setbit,
         .acl = kWriteSlow,
         .group = "bitmap",
         .summary = "Sets or clears the bit at offset in the string value stored at key",
         .since = "2.2.0",
         .complexity = "O(1)",
         .meta = &kSetbitMeta});
  r.add({.name = "getbit",
         .arity = 3,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_getbit,
         .acl = kReadFast,
         .group = "bitmap",
         .summary = "Returns the bit value at offset in the string value stored at key",
         .since = "2.2.0",
         .complexity = "O(1)",
         .meta = &kGetbitMeta});
  r.add({.name = "bitcount",
         .arity = -2,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_bitcount,
         .acl = kReadSlow,
         .group = "bitmap",
         .summary = "Count set bits in a string",
         .since = "2.6.0",
         .complexity = "O(N)",
         .meta = &kBitcountMeta});
  r.add({.name = "bitpos",
         .arity = -3,
         .flags = kReadOnly,
         .keys = {1, 1, 1},
         .run = cmd_bitpos,
         .acl = kReadSlow,
         .group = "bitmap",
         .summary = "Find first bit set or clear in a string",
         .since = "2.8.7",
         .complexity = "O(N)",
         .meta = &kBitposMeta});
  r.add({.name = "bitop",
         .arity = -4,
         .flags = kWrite | kDenyOom,
         .keys = {2, -1, 1},
         .run = cmd_bitop,
         .read_keys = bitop_sources,
         .acl = kWriteSlow,
         .group = "bitmap",
         .summary = "Perform bitwise operations between strings",
         .since = "2.6.0",
         .complexity = "O(N)",
         .meta = &kBitopMeta});
  r.add({.name = "bitfield",
         .arity = -2,
         .flags = kWrite | kDenyOom,
         .keys = {1, 1, 1},
         .run = cmd_bitfield,
         .read_keys = bitfield_read_keys,
         .acl = kWriteSlow,
         .group = "bitmap",
         .summary = "Perform arbitrary bitfield integer operations on strings",
         .since = "3.2.0",
         .complexity = "O(1) for each subcommand specified",
         .meta = &kBitfieldMeta});
  r.add({.name = "bitfield_ro",
         .arity = -2,
         .flags = kReadOnly | kFast,
         .keys = {1, 1, 1},
         .run = cmd_bitfield_ro,
         .acl = kReadFast,
         .group = "bitmap",
         .summary =
             "Perform arbitrary bitfield integer operations on strings. Read-only variant of "
             "BITFIELD",
         .since = "6.0.0",
         .complexity = "O(1) for each subcommand specified",
         .meta = &kBitfieldRoMeta});
}

}  // namespace shardis::server
