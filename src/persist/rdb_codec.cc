#include <shardis/persist/rdb_codec.h>

#include <charconv>
#include <cstring>
#include <limits>

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
      if (encoded == nullptr) return fail("a string encoding where a length was expected");
      *encoded = true;
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
