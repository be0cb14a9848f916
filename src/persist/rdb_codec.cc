#include <shardis/persist/rdb_codec.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>

namespace shardis::persist {

namespace {

constexpr uint8_t k6Bit = 0;
constexpr uint8_t k14Bit = 1;
constexpr uint8_t k32BitLen = 0x80;
constexpr uint8_t k64BitLen = 0x81;
constexpr uint8_t kEncoded = 3;
constexpr uint64_t kEncInt8 = 0;
constexpr uint64_t kEncInt16 = 1;
constexpr uint64_t kEncInt32 = 2;
constexpr uint64_t kEncLzf = 3;
constexpr uint64_t kLzfMaxExpansion = 88;
constexpr size_t kLzfMinInput = 20;
// LZF's limits: a literal run holds up to 32 bytes, a back reference reaches 8192 bytes back
// and copies up to 264 bytes.
constexpr size_t kLzfMaxLiteral = 32;
constexpr size_t kLzfMaxDistance = 8192;
constexpr size_t kLzfMaxCopy = 264;
constexpr int kLzfHashBits = 16;

// The integer that s is the canonical decimal form of (no sign other than a leading '-', no
// leading zero, no "-0"), if it fits 32 bits and s has at most 11 characters.
bool as_int32(std::string_view s, int32_t* v) {
  if (s.empty() || s.size() > 11) return false;
  int64_t x = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  char buf[24];
  auto [e2, ec2] = std::to_chars(buf, buf + sizeof buf, x);
  if (ec2 != std::errc() || std::string_view(buf, static_cast<size_t>(e2 - buf)) != s) {
    return false;
  }
  if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
    return false;
  }
  *v = static_cast<int32_t>(x);
  return true;
}

}  // namespace

// ---- RdbWriter ----

void RdbWriter::len(uint64_t n) {
  if (n < (1 << 6)) {
    byte(static_cast<uint8_t>((k6Bit << 6) | n));
  } else if (n < (1 << 14)) {
    byte(static_cast<uint8_t>((k14Bit << 6) | (n >> 8)));
    byte(static_cast<uint8_t>(n & 0xff));
  } else if (n <= std::numeric_limits<uint32_t>::max()) {
    byte(k32BitLen);
    for (int shift = 24; shift >= 0; shift -= 8) byte(static_cast<uint8_t>(n >> shift));
  } else {
    byte(k64BitLen);
    for (int shift = 56; shift >= 0; shift -= 8) byte(static_cast<uint8_t>(n >> shift));
  }
}

void RdbWriter::string(std::string_view s) {
  int32_t v = 0;
  if (as_int32(s, &v)) {
    const auto u = static_cast<uint32_t>(v);
    if (v >= -(1 << 7) && v < (1 << 7)) {
      byte(static_cast<uint8_t>((kEncoded << 6) | kEncInt8));
      byte(static_cast<uint8_t>(u));
    } else if (v >= -(1 << 15) && v < (1 << 15)) {
      byte(static_cast<uint8_t>((kEncoded << 6) | kEncInt16));
      byte(static_cast<uint8_t>(u));
      byte(static_cast<uint8_t>(u >> 8));
    } else {
      byte(static_cast<uint8_t>((kEncoded << 6) | kEncInt32));
      for (int shift = 0; shift < 32; shift += 8) byte(static_cast<uint8_t>(u >> shift));
    }
    return;
  }
  // Redis does not try LZF at 20 bytes or less: nothing that short compresses.
  if (compress_ && s.size() > kLzfMinInput && lzf_compress(s, &packed_)) {
    byte(static_cast<uint8_t>((kEncoded << 6) | kEncLzf));
    len(packed_.size());
    len(s.size());
    raw(packed_);
    return;
  }
  len(s.size());
  raw(s);
}

// ---- RdbReader ----

bool RdbReader::fail(const char* what) {
  if (error_.empty()) error_ = std::string(what) + " at offset " + std::to_string(pos_);
  return false;
}

bool RdbReader::byte(uint8_t* b) {
  if (pos_ >= in_.size()) return fail("unexpected end of input");
  *b = static_cast<uint8_t>(in_[pos_++]);
  return true;
}

bool RdbReader::raw(size_t n, std::string_view* bytes) {
  if (n > left()) return fail("unexpected end of input");
  *bytes = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool RdbReader::len(uint64_t* n, bool* encoded) {
  uint8_t first = 0;
  if (!byte(&first)) return false;
  if (encoded != nullptr) *encoded = false;
  switch (first >> 6) {
    case k6Bit:
      *n = first & 0x3f;
      return true;
    case k14Bit: {
      uint8_t next = 0;
      if (!byte(&next)) return false;
      *n = (static_cast<uint64_t>(first & 0x3f) << 8) | next;
      return true;
    }
    case kEncoded:
      // Where a plain length is expected, redis-server (rdbLoadLen) takes the low six bits.
      if (encoded != nullptr) *encoded = true;
      *n = first & 0x3f;
      return true;
    default:
      break;
  }
  int bytes = first == k32BitLen ? 4 : first == k64BitLen ? 8 : 0;
  if (bytes == 0) return fail("unknown length encoding");
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    uint8_t b = 0;
    if (!byte(&b)) return false;
    v = (v << 8) | b;
  }
  *n = v;
  return true;
}

bool RdbReader::string(std::string* s) {
  uint64_t n = 0;
  bool encoded = false;
  if (!len(&n, &encoded)) return false;
  if (!encoded) {
    if (n > kMaxString) return fail("string longer than 512 MB");
    std::string_view bytes;
    if (!raw(static_cast<size_t>(n), &bytes)) return false;
    s->assign(bytes);
    return true;
  }
  int64_t v = 0;
  switch (n) {
    case kEncInt8: {
      uint8_t b = 0;
      if (!byte(&b)) return false;
      v = static_cast<int8_t>(b);
      break;
    }
    case kEncInt16:
    case kEncInt32: {
      const int bytes = n == kEncInt16 ? 2 : 4;
      uint32_t u = 0;
      for (int i = 0; i < bytes; ++i) {
        uint8_t b = 0;
        if (!byte(&b)) return false;
        u |= static_cast<uint32_t>(b) << (8 * i);
      }
      v = bytes == 2 ? static_cast<int16_t>(u) : static_cast<int32_t>(u);
      break;
    }
    case kEncLzf:
      return lzf(s);
    default:
      return fail("unknown string encoding");
  }
  s->assign(std::to_string(v));
  return true;
}

bool RdbReader::lzf(std::string* s) {
  uint64_t clen = 0;
  uint64_t olen = 0;
  if (!len(&clen) || !len(&olen)) return false;
  if (olen > kMaxString) return fail("string longer than 512 MB");
  std::string_view packed;
  if (!raw(static_cast<size_t>(clen), &packed)) return false;
  // Nothing LZF writes expands more than 88 times (3 input bytes for a copy of 264), so a larger
  // claim is corrupt: refused before its output is allocated.
  if (olen > clen * kLzfMaxExpansion) return fail("corrupt LZF-compressed string");
  if (!lzf_decompress(packed, static_cast<size_t>(olen), s)) {
    return fail("corrupt LZF-compressed string");
  }
  return true;
}

// ---- LZF ----

// The encoder of liblzf 3.6 as Redis builds it (16-bit hash, the "very fast" variant): the same
// hash, the same match rules and the same out-of-room checks, so that Shardis compresses a
// string to the bytes redis-server does and gives up on exactly the strings it gives up on.
// (Redis does not clear its hash table between calls, which could in rare cases let it find a
// match this encoder does not; either output decodes to the same string.)
namespace {

// The encoder's hash table: earlier input positions by hash of their first 3 bytes. One per
// thread, cleared only when its call counter wraps: each slot carries the number of the call
// that wrote it, so that a short string does not pay for clearing 64K slots.
class LzfTable {
 public:
  static LzfTable& for_this_thread() {
    thread_local LzfTable table;
    return table;
  }
  // Starts a new call: every slot reads as empty.
  void reset() {
    if (++call_ == 0) {
      std::fill_n(slots_.get(), kSlots, Slot{});
      call_ = 1;
    }
  }
  // The position stored under h, 0 when none. 0 doubles as "none": harmless, as liblzf never
  // refers back to the first input byte either.
  uint32_t get(uint32_t h) const { return slots_[h].call == call_ ? slots_[h].pos : 0; }
  void set(uint32_t h, uint32_t pos) { slots_[h] = {call_, pos}; }

 private:
  static constexpr size_t kSlots = size_t{1} << kLzfHashBits;
  struct Slot {
    uint32_t call = 0;
    uint32_t pos = 0;
  };
  std::unique_ptr<Slot[]> slots_ = std::make_unique<Slot[]>(kSlots);
  uint32_t call_ = 0;
};

class LzfEncoder {
 public:
  LzfEncoder(std::string_view in, size_t room)
      : in_(reinterpret_cast<const uint8_t*>(in.data())), n_(in.size()), room_(room) {}

  // The compressed bytes in *out, or false when they would not fit in `room` bytes.
  bool run(std::string* out);

 private:
  static uint32_t slot(uint32_t h) {
    return ((h >> (24 - kLzfHashBits)) - h * 5) & ((1u << kLzfHashBits) - 1);
  }
  uint32_t first_hash(size_t i) const { return (uint32_t{in_[i]} << 8) | in_[i + 1]; }
  uint32_t next_hash(uint32_t h, size_t i) const { return (h << 8) | in_[i + 2]; }
  // Closes the current literal run: its control byte sits lit_ + 1 bytes back. An empty run
  // gives its reserved byte back.
  void close_run() {
    o_[op_ - lit_ - 1] = static_cast<uint8_t>(lit_ - 1);
    if (lit_ == 0) --op_;
  }
  void open_run() {
    lit_ = 0;
    ++op_;
  }
  void literal(size_t& ip) {
    ++lit_;
    o_[op_++] = in_[ip++];
    if (lit_ == kLzfMaxLiteral) {
      o_[op_ - lit_ - 1] = static_cast<uint8_t>(lit_ - 1);
      open_run();
    }
  }

  const uint8_t* in_;
  size_t n_;
  size_t room_;
  uint8_t* o_ = nullptr;
  size_t op_ = 0;
  size_t lit_ = 0;
};

bool LzfEncoder::run(std::string* out) {
  if (n_ == 0 || room_ == 0) return false;
  LzfTable& table = LzfTable::for_this_thread();
  table.reset();
  out->assign(room_ + 1, '\0');  // one spare byte: an opened run may reserve it
  o_ = reinterpret_cast<uint8_t*>(out->data());
  op_ = 0;
  open_run();
  size_t ip = 0;
  uint32_t h = n_ >= 2 ? first_hash(0) : 0;
  while (n_ >= 3 && ip < n_ - 2) {
    h = next_hash(h, ip);
    const size_t ref = table.get(slot(h));  // 0, or the earlier position
    table.set(slot(h), static_cast<uint32_t>(ip));
    const size_t distance = ip - ref - 1;
    const bool match = ref > 0 && distance < kLzfMaxDistance && in_[ref] == in_[ip] &&
                       in_[ref + 1] == in_[ip + 1] && in_[ref + 2] == in_[ip + 2];
    if (!match) {
      if (op_ >= room_) return false;
      literal(ip);
      continue;
    }
    // Room for the reference (up to 3 bytes) and the next run's control byte.
    if (op_ - (lit_ == 0 ? 1 : 0) + 4 >= room_) return false;
    close_run();
    // Extend the match, up to n - ip - 2 bytes (at most 264), with liblzf's quirk kept: the limit
    // is only looked at from the 4th byte on, or from the 20th when it is above 16, so a match
    // near the end may run past it into the last two bytes (every byte is still compared).
    const size_t limit = std::min(n_ - ip - 2, kLzfMaxCopy);
    size_t len = 2;
    bool stopped = false;
    if (limit > 16) {
      for (int k = 0; k < 16 && !stopped; ++k) {
        ++len;
        stopped = in_[ref + len] != in_[ip + len];
      }
    }
    if (!stopped) {
      do {
        ++len;
      } while (len < limit && in_[ref + len] == in_[ip + len]);
    }
    len -= 2;  // the length field stores matched bytes - 2
    ++ip;
    if (len < 7) {
      o_[op_++] = static_cast<uint8_t>((distance >> 8) + (len << 5));
    } else {
      o_[op_++] = static_cast<uint8_t>((distance >> 8) + (7 << 5));
      o_[op_++] = static_cast<uint8_t>(len - 7);
    }
    o_[op_++] = static_cast<uint8_t>(distance);
    open_run();
    ip += len + 1;
    if (ip >= n_ - 2) break;
    // Hash the last two positions inside the match, so that later input can refer to them.
    ip -= 2;
    h = first_hash(ip);
    for (int k = 0; k < 2; ++k) {
      h = next_hash(h, ip);
      table.set(slot(h), static_cast<uint32_t>(ip));
      ++ip;
    }
  }
  if (op_ + 3 > room_) return false;
  while (ip < n_) literal(ip);
  close_run();
  out->resize(op_);
  return true;
}

}  // namespace

bool lzf_compress(std::string_view in, std::string* out) {
  // Worth it only when it saves at least 4 bytes (Redis's rule); positions must fit 32 bits.
  if (in.size() <= 4 || in.size() > std::numeric_limits<uint32_t>::max()) return false;
  return LzfEncoder(in, in.size() - 4).run(out);
}

bool lzf_decompress(std::string_view in, size_t out_len, std::string* out) {
  out->assign(out_len, '\0');
  char* o = out->data();
  size_t op = 0;
  size_t ip = 0;
  while (ip < in.size()) {
    const auto ctrl = static_cast<uint8_t>(in[ip++]);
    if (ctrl < (1 << 5)) {  // a literal run of ctrl + 1 bytes
      const size_t run = static_cast<size_t>(ctrl) + 1;
      if (run > in.size() - ip || run > out_len - op) return false;
      std::memcpy(o + op, in.data() + ip, run);
      ip += run;
      op += run;
      continue;
    }
    // A back reference: length - 2 in the top 3 bits (7: one more byte adds to it), then the
    // distance - 1 in the low 5 bits and the next byte.
    size_t copy = ctrl >> 5;
    if (copy == 7) {
      if (ip >= in.size()) return false;
      copy += static_cast<uint8_t>(in[ip++]);
    }
    copy += 2;
    if (ip >= in.size()) return false;
    const size_t distance =
        ((static_cast<size_t>(ctrl & 0x1f) << 8) | static_cast<uint8_t>(in[ip++])) + 1;
    if (distance > op || copy > out_len - op) return false;
    // Byte by byte: the source may overlap what this copy writes.
    for (size_t i = 0; i < copy; ++i, ++op) o[op] = o[op - distance];
  }
  return op == out_len;
}

}  // namespace shardis::persist
