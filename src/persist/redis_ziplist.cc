#include <shardis/persist/redis_ziplist.h>

#include <cstdint>

#include "blob_bytes.h"

namespace shardis::persist {

namespace {

using blob::at;
using blob::load_be;
using blob::load_le;
using blob::sign_extend;

constexpr uint8_t kEnd = 0xFF;
constexpr uint8_t kBigPrevlen = 0xFE;
constexpr uint8_t kInt16 = 0xC0;
constexpr uint8_t kInt32 = 0xD0;
constexpr uint8_t kInt64 = 0xE0;
constexpr uint8_t kInt24 = 0xF0;
constexpr uint8_t kInt8 = 0xFE;
constexpr uint8_t kImmMin = 0xF1;
constexpr uint8_t kImmMax = 0xFD;
constexpr uint16_t kCountUnknown = 0xFFFF;
constexpr uint8_t kZipmapBig = 254;

size_t prevlen_bytes(uint8_t first) {
  return first < kBigPrevlen ? 1 : 5;
}

// Bytes of the encoding field that starts with enc; 0 when enc is not an encoding.
size_t encoding_bytes(uint8_t enc) {
  switch (enc >> 6) {
    case 0:
      return 1;
    case 1:
      return 2;
    case 2:
      return 5;  // Redis ignores the low 6 bits of this form
    default:
      break;
  }
  if (enc == kInt16 || enc == kInt32 || enc == kInt64 || enc == kInt24 || enc == kInt8) return 1;
  if (enc >= kImmMin && enc <= kImmMax) return 1;
  return 0;
}

// Payload bytes of the entry whose encoding starts at q (its length bytes are in bounds).
uint64_t payload_bytes(std::string_view b, size_t q) {
  const uint8_t enc = at(b, q);
  switch (enc >> 6) {
    case 0:
      return enc & 0x3F;
    case 1:
      return (static_cast<uint64_t>(enc & 0x3F) << 8) | at(b, q + 1);
    case 2:
      return load_be(b, q + 1, 4);
    default:
      break;
  }
  switch (enc) {
    case kInt8:
      return 1;
    case kInt16:
      return 2;
    case kInt24:
      return 3;
    case kInt32:
      return 4;
    case kInt64:
      return 8;
    default:
      return 0;  // immediate
  }
}

using blob::fail;

bool zl_fail(std::string* error, const char* what, size_t offset) {
  return fail(error, "ziplist", what, offset);
}

bool zm_fail(std::string* error, const char* what, size_t offset) {
  return fail(error, "zipmap", what, offset);
}

}  // namespace

// ---- ziplist ----

bool validate_redis_ziplist(std::string_view blob, std::string* error) {
  const size_t size = blob.size();
  const size_t hdr = RedisZiplistReader::kHeaderBytes;
  if (size < hdr + 1) return zl_fail(error, "blob shorter than header and terminator", 0);
  if (load_le(blob, 0, 4) != size) return zl_fail(error, "zlbytes differs from size", 0);
  const size_t last = size - 1;
  if (at(blob, last) != kEnd) return zl_fail(error, "missing terminator", last);
  const uint64_t tail = load_le(blob, 4, 4);
  if (tail > last) return zl_fail(error, "zltail past the terminator", 4);

  uint64_t count = 0;
  uint64_t prev_size = 0;
  size_t prev = 0;
  size_t p = hdr;
  while (at(blob, p) != kEnd) {
    const size_t plb = prevlen_bytes(at(blob, p));
    if (plb > last - p) return zl_fail(error, "prevlen runs past the end", p);
    const size_t q = p + plb;
    const size_t eb = encoding_bytes(at(blob, q));
    if (eb == 0) return zl_fail(error, "invalid entry encoding", q);
    if (eb > last - q) return zl_fail(error, "entry encoding runs past the end", q);
    const uint64_t entry = plb + eb + payload_bytes(blob, q);
    if (entry > last - p) return zl_fail(error, "entry runs past the end", p);
    const uint64_t prevlen = plb == 1 ? at(blob, p) : load_le(blob, p + 1, 4);
    if (prevlen != prev_size) return zl_fail(error, "prevlen differs from the previous entry", p);
    prev_size = entry;
    prev = p;
    p += static_cast<size_t>(entry);
    ++count;
  }
  if (p != last) return zl_fail(error, "terminator before the end of the blob", p);
  if (count > 0 && tail != prev) return zl_fail(error, "zltail is not the last entry", 4);
  const uint64_t header_count = load_le(blob, 8, 2);
  if (header_count != kCountUnknown && header_count != count) {
    return zl_fail(error, "zllen differs from the entries", 8);
  }
  return true;
}

bool RedisZiplistReader::next(core::LpValue* v) {
  if (pos_ >= blob_.size() || at(blob_, pos_) == kEnd) return false;
  const size_t q = pos_ + prevlen_bytes(at(blob_, pos_));
  const uint8_t enc = at(blob_, q);
  const size_t eb = encoding_bytes(enc);
  const uint64_t payload = payload_bytes(blob_, q);
  pos_ = q + eb + static_cast<size_t>(payload);
  if ((enc >> 6) != 3) {
    v->is_int = false;
    v->i = 0;
    v->s = blob_.substr(q + eb, static_cast<size_t>(payload));
    return true;
  }
  v->is_int = true;
  v->s = {};
  if (enc >= kImmMin && enc <= kImmMax) {
    v->i = (enc & 0x0F) - 1;
  } else {
    const int n = static_cast<int>(payload);
    v->i = sign_extend(load_le(blob_, q + 1, n), 8 * n);
  }
  return true;
}

// ---- zipmap ----

namespace {

// Reads the zipmap length at *p (bounded by last) into *len and moves *p past it. The 5-byte
// form must hold 254 or more: Redis's reader sizes a length by its value, not by its first byte,
// so a smaller value in that form would be read differently from how it was validated.
bool zipmap_len(std::string_view blob, size_t last, size_t* p, uint64_t* len) {
  const uint8_t first = at(blob, *p);
  const size_t n = first < kZipmapBig ? 1 : 5;
  if (n > last - *p) return false;
  *len = n == 1 ? first : load_le(blob, *p + 1, 4);
  if (n == 5 && *len < kZipmapBig) return false;
  *p += n;
  return true;
}

bool scan_zipmap(std::string_view blob, ZipmapPairs* out, std::string* error) {
  const size_t size = blob.size();
  if (size < 2) return zm_fail(error, "blob shorter than count and terminator", 0);
  const size_t last = size - 1;
  if (at(blob, last) != kEnd) return zm_fail(error, "missing terminator", last);
  uint64_t count = 0;
  size_t p = 1;
  while (at(blob, p) != kEnd) {
    const size_t start = p;
    uint64_t klen = 0;
    if (!zipmap_len(blob, last, &p, &klen)) return zm_fail(error, "bad key length", p);
    if (klen > last - p) return zm_fail(error, "key runs past the end", start);
    const size_t key = p;
    p += static_cast<size_t>(klen);
    uint64_t vlen = 0;
    const size_t vstart = p;
    if (!zipmap_len(blob, last, &p, &vlen)) return zm_fail(error, "bad value length", p);
    // zipmap_len left p <= last: the free byte is in bounds.
    const uint64_t free = at(blob, p);
    ++p;
    if (p > last || vlen > last - p || free > last - p - vlen) {
      return zm_fail(error, "value runs past the end", vstart);
    }
    if (out != nullptr) {
      out->emplace_back(blob.substr(key, static_cast<size_t>(klen)),
                        blob.substr(p, static_cast<size_t>(vlen)));
    }
    p += static_cast<size_t>(vlen + free);
    ++count;
  }
  if (count == 0) return zm_fail(error, "empty zipmap", 1);
  if (at(blob, 0) != kZipmapBig && at(blob, 0) != count) {
    return zm_fail(error, "count differs from the pairs", 0);
  }
  return true;
}

}  // namespace

bool validate_redis_zipmap(std::string_view blob, std::string* error) {
  return scan_zipmap(blob, nullptr, error);
}

bool redis_zipmap_pairs(std::string_view blob, ZipmapPairs* out, std::string* error) {
  const size_t before = out->size();
  if (scan_zipmap(blob, out, error)) return true;
  out->resize(before);
  return false;
}

}  // namespace shardis::persist
