#include <shardis/base/number_format.h>
#include <shardis/persist/redis_listpack.h>

#include <cassert>
#include <cstring>
#include <limits>

#include "blob_bytes.h"

namespace shardis::persist {

namespace {

using blob::append_le;
using blob::at;
using blob::load_le;
using blob::sign_extend;
using blob::store_le;

constexpr uint8_t kEnd = 0xFF;
constexpr uint8_t kStr6 = 0x80;
constexpr uint8_t kInt13 = 0xC0;
constexpr uint8_t kStr12 = 0xE0;
constexpr uint8_t kStr32 = 0xF0;
constexpr uint8_t kInt16 = 0xF1;
constexpr uint8_t kInt24 = 0xF2;
constexpr uint8_t kInt32 = 0xF3;
constexpr uint8_t kInt64 = 0xF4;
constexpr uint16_t kCountUnknown = 0xFFFF;
constexpr size_t kMaxBacklen = 5;

// Bytes of the back-length that records an entry of `len` bytes (Redis's thresholds).
size_t backlen_bytes(uint64_t len) {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

// Writes the back-length for `len` into buf (which has room for 5); returns its size.
size_t encode_backlen(uint64_t len, uint8_t* buf) {
  const size_t n = backlen_bytes(len);
  // Leftmost byte: the highest 7-bit group, no continuation bit; every byte to its right
  // carries a lower group with bit 7 set.
  buf[0] = static_cast<uint8_t>(len >> (7 * (n - 1)));
  for (size_t i = 1; i < n; ++i) {
    buf[i] = static_cast<uint8_t>(((len >> (7 * (n - 1 - i))) & 0x7F) | 0x80);
  }
  return n;
}

// Bytes of an entry's encoding (the first byte plus any length bytes); 0 for an invalid first
// byte. The terminator is not an entry.
size_t head_bytes(uint8_t tag) {
  if (tag < 0x80) return 1;     // 7-bit uint
  if (tag < kInt13) return 1;   // 6-bit string
  if (tag < kStr12) return 1;   // 13-bit int
  if (tag < kStr32) return 2;   // 12-bit string
  if (tag == kStr32) return 5;  // 32-bit string
  if (tag <= kInt64) return 1;  // 16/24/32/64-bit int
  return 0;
}

// Payload bytes after the encoding. Reads the length bytes, which the caller has bounded.
uint64_t payload_bytes(std::string_view b, size_t p) {
  const uint8_t tag = at(b, p);
  if (tag < 0x80) return 0;
  if (tag < kInt13) return tag & 0x3F;
  if (tag < kStr12) return 1;
  if (tag < kStr32) return (static_cast<uint64_t>(tag & 0x0F) << 8) | at(b, p + 1);
  switch (tag) {
    case kStr32:
      return load_le(b, p + 1, 4);
    case kInt16:
      return 2;
    case kInt24:
      return 3;
    case kInt32:
      return 4;
    default:
      return 8;  // kInt64
  }
}

bool fail(std::string* error, const char* what, size_t offset) {
  return blob::fail(error, "listpack", what, offset);
}

}  // namespace

// ---- RedisListpackWriter ----

void RedisListpackWriter::start() {
  if (buf_.empty()) buf_.assign(kHeaderBytes, '\0');
}

void RedisListpackWriter::end_entry(size_t entry_start) {
  uint8_t back[kMaxBacklen];
  const size_t n = encode_backlen(buf_.size() - entry_start, back);
  buf_.append(reinterpret_cast<const char*>(back), n);
  ++count_;
}

void RedisListpackWriter::add(std::string_view s) {
  if (s.size() <= 20) {
    if (auto v = base::parse_int64(s)) {
      add_int(*v);
      return;
    }
  }
  add_string(s);
}

void RedisListpackWriter::add_int(int64_t v) {
  start();
  const size_t entry = buf_.size();
  const auto u = static_cast<uint64_t>(v);
  if (v >= 0 && v <= 127) {
    buf_.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    const uint64_t w = u & 0x1FFF;
    buf_.push_back(static_cast<char>(kInt13 | (w >> 8)));
    buf_.push_back(static_cast<char>(w & 0xFF));
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    buf_.push_back(static_cast<char>(kInt16));
    append_le(buf_, u, 2);
  } else if (v >= -(int64_t{1} << 23) && v < (int64_t{1} << 23)) {
    buf_.push_back(static_cast<char>(kInt24));
    append_le(buf_, u, 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    buf_.push_back(static_cast<char>(kInt32));
    append_le(buf_, u, 4);
  } else {
    buf_.push_back(static_cast<char>(kInt64));
    append_le(buf_, u, 8);
  }
  end_entry(entry);
}

void RedisListpackWriter::add_string(std::string_view s) {
  start();
  const size_t entry = buf_.size();
  const size_t n = s.size();
  if (n < 64) {
    buf_.push_back(static_cast<char>(kStr6 | n));
  } else if (n < 4096) {
    buf_.push_back(static_cast<char>(kStr12 | (n >> 8)));
    buf_.push_back(static_cast<char>(n & 0xFF));
  } else {
    assert(n <= std::numeric_limits<uint32_t>::max());
    buf_.push_back(static_cast<char>(kStr32));
    append_le(buf_, n, 4);
  }
  buf_.append(s);
  end_entry(entry);
}

std::string RedisListpackWriter::finish() {
  start();
  buf_.push_back(static_cast<char>(kEnd));
  assert(buf_.size() <= std::numeric_limits<uint32_t>::max());
  store_le(buf_, 0, buf_.size(), 4);
  store_le(buf_, 4, count_ < kCountUnknown ? count_ : kCountUnknown, 2);
  std::string out = std::move(buf_);
  buf_.clear();
  count_ = 0;
  return out;
}

// ---- validation ----

bool validate_redis_listpack(std::string_view blob, std::string* error) {
  const size_t size = blob.size();
  const size_t hdr = RedisListpackWriter::kHeaderBytes;
  if (size < hdr + 1) return fail(error, "blob shorter than header and terminator", 0);
  if (load_le(blob, 0, 4) != size) return fail(error, "header total bytes differ from size", 0);
  const size_t last = size - 1;  // the terminator's offset
  if (at(blob, last) != kEnd) return fail(error, "missing terminator", last);

  uint64_t count = 0;
  size_t p = hdr;
  while (at(blob, p) != kEnd) {
    const size_t head = head_bytes(at(blob, p));
    if (head == 0) return fail(error, "invalid entry encoding", p);
    // The encoding must end before the terminator (p <= last, so this cannot overflow).
    if (head > last - p) return fail(error, "entry encoding runs past the end", p);
    const uint64_t len = head + payload_bytes(blob, p);
    const uint64_t back = backlen_bytes(len);
    if (len > last - p || back > last - p - len) {
      return fail(error, "entry runs past the end", p);
    }
    const size_t end = p + static_cast<size_t>(len + back);
    uint8_t want[kMaxBacklen];
    encode_backlen(len, want);
    if (std::memcmp(blob.data() + end - back, want, back) != 0) {
      return fail(error, "back-length does not match its entry", end - back);
    }
    p = end;
    ++count;
  }
  if (p != last) return fail(error, "terminator before the end of the blob", p);
  const uint64_t header_count = load_le(blob, 4, 2);
  if (header_count != kCountUnknown && header_count != count) {
    return fail(error, "header entry count differs from the entries", 4);
  }
  return true;
}

// ---- RedisListpackReader ----

bool RedisListpackReader::next(core::LpValue* v) {
  if (pos_ >= blob_.size() || at(blob_, pos_) == kEnd) return false;
  const size_t p = pos_;
  const uint8_t tag = at(blob_, p);
  const size_t head = head_bytes(tag);
  const uint64_t payload = payload_bytes(blob_, p);
  const uint64_t len = head + payload;
  pos_ = p + static_cast<size_t>(len + backlen_bytes(len));
  const bool is_string = (tag >= 0x80 && tag < kInt13) || (tag >= kStr12 && tag <= kStr32);
  if (is_string) {
    v->is_int = false;
    v->i = 0;
    v->s = blob_.substr(p + head, static_cast<size_t>(payload));
    return true;
  }
  v->is_int = true;
  v->s = {};
  if (tag < 0x80) {
    v->i = tag;
  } else if (tag < kStr12) {
    v->i = sign_extend((static_cast<uint64_t>(tag & 0x1F) << 8) | at(blob_, p + 1), 13);
  } else {
    const int n = static_cast<int>(payload);
    v->i = sign_extend(load_le(blob_, p + 1, n), 8 * n);
  }
  return true;
}

}  // namespace shardis::persist
