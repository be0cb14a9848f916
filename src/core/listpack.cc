#include <shardis/base/number_format.h>
#include <shardis/core/listpack.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <limits>
#include <new>
#include <stdexcept>

namespace shardis::core {

static_assert(std::endian::native == std::endian::little, "listpack layout is little-endian");

namespace {

constexpr size_t kMaxUsed = std::numeric_limits<uint32_t>::max();
// Buffers at or below this size are never shrunk: a realloc costs more than the bytes saved.
constexpr size_t kShrinkFloor = 64;

size_t varint_bytes(size_t v) {
  size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

int int_width(int64_t v) {
  if (v >= INT8_MIN && v <= INT8_MAX) return 1;
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

// The canonical int64 that v spells, if any. Cheap rejection first: most strings are not ints.
std::optional<int64_t> as_int(std::string_view v) {
  if (v.empty() || v.size() > 20) return std::nullopt;
  const char c = v[0];
  if (c != '-' && (c < '0' || c > '9')) return std::nullopt;
  return base::parse_int64(v);
}

}  // namespace

std::string_view LpValue::text(std::string& scratch) const {
  if (!is_int) return s;
  scratch.resize(24);
  scratch.resize(base::format_int64(i, scratch.data()));
  return scratch;
}

std::string LpValue::to_string() const {
  if (!is_int) return std::string(s);
  return base::int64_to_string(i);
}

bool LpValue::equals(std::string_view v) const {
  if (!is_int) return s == v;
  char buf[24];
  const size_t n = base::format_int64(i, buf);
  return v == std::string_view(buf, n);
}

// An entry ready to be written: what put() has decided to store for a value.
struct Listpack::Enc {
  bool is_int = false;
  int64_t i = 0;
  int width = 0;
  std::string_view s;
  size_t len = 0;    // tag + payload
  size_t total = 0;  // + back-length

  explicit Enc(std::string_view v) {
    if (auto n = as_int(v)) {
      is_int = true;
      i = *n;
      width = int_width(i);
      len = 1 + static_cast<size_t>(width);
    } else {
      s = v;
      len = 1 + (v.size() < kLongStrTag ? 0 : varint_bytes(v.size())) + v.size();
    }
    total = len + backlen_bytes(len);
  }

  void write(uint8_t* q) const {
    if (is_int) {
      *q++ = static_cast<uint8_t>(kIntTagBase + 1 + std::countr_zero(unsigned(width)));
      std::memcpy(q, &i, width);  // the low bytes of a little-endian int64
      q += width;
    } else if (s.size() < kLongStrTag) {
      *q++ = static_cast<uint8_t>(s.size());
      if (!s.empty()) std::memcpy(q, s.data(), s.size());
      q += s.size();
    } else {
      *q++ = kLongStrTag;
      size_t n = s.size();
      while (n >= 0x80) *q++ = static_cast<uint8_t>((n & 0x7F) | 0x80), n >>= 7;
      *q++ = static_cast<uint8_t>(n);
      std::memcpy(q, s.data(), s.size());
      q += s.size();
    }
    const size_t k = backlen_bytes(len);
    for (size_t j = 0; j < k; ++j) {
      q[k - 1 - j] = static_cast<uint8_t>(((len >> (7 * j)) & 0x7F) | (j + 1 < k ? 0x80 : 0));
    }
  }
};

Listpack::~Listpack() {
  std::free(buf_);
}

Listpack& Listpack::operator=(Listpack&& o) noexcept {
  if (this != &o) {
    std::free(buf_);
    buf_ = o.buf_;
    cap_ = o.cap_;
    o.buf_ = nullptr;
    o.cap_ = 0;
  }
  return *this;
}

Listpack Listpack::clone() const {
  Listpack c;
  if (buf_) {
    c.reserve(used_bytes());
    std::memcpy(c.buf_, buf_, used_bytes());
  }
  return c;
}

size_t Listpack::entry_bytes(std::string_view v) {
  return Enc(v).total;
}

void Listpack::clear() {
  std::free(buf_);
  buf_ = nullptr;
  cap_ = 0;
}

void Listpack::shrink_to_fit() {
  if (!buf_) return;
  if (empty()) return clear();
  const size_t used = used_bytes();
  if (used == cap_) return;
  void* p = std::realloc(buf_, used);
  if (p == nullptr) return;  // keeping the larger buffer is harmless
  buf_ = static_cast<uint8_t*>(p);
  cap_ = used;
}

void Listpack::reserve(size_t used) {
  if (used > cap_) grow(used);
}

void Listpack::grow(size_t need) {
  const bool fresh = buf_ == nullptr;
  const size_t cap = std::max({need, cap_ + cap_ / 2, kHeaderBytes});
  void* p = std::realloc(buf_, cap);
  if (p == nullptr) throw std::bad_alloc();
  buf_ = static_cast<uint8_t*>(p);
  cap_ = cap;
  if (fresh) set_header(kHeaderBytes, 0);
}

void Listpack::maybe_shrink() {
  const size_t used = used_bytes();
  if (cap_ <= kShrinkFloor || used >= cap_ / 2) return;
  // Leave a quarter spare: the next grow is then at least used / 4 appends away, and the next
  // shrink at least used * 5 / 8 erases away, so the two cannot alternate on every call.
  const size_t cap = std::max(used + used / 4, kShrinkFloor);
  void* p = std::realloc(buf_, cap);
  if (p == nullptr) return;
  buf_ = static_cast<uint8_t*>(p);
  cap_ = cap;
}

Listpack::Pos Listpack::put(size_t off, size_t del_bytes, size_t del_count, std::string_view v) {
  std::string copy;
  if (buf_ && !v.empty() && reinterpret_cast<const uint8_t*>(v.data()) >= buf_ &&
      reinterpret_cast<const uint8_t*>(v.data()) < buf_ + cap_) {
    copy.assign(v);  // the memmove or realloc below would move the bytes under v
    v = copy;
  }
  const Enc e(v);
  const size_t used = used_bytes();
  const size_t count = size();
  const size_t new_used = used - del_bytes + e.total;
  if (new_used > kMaxUsed) throw std::length_error("listpack over 4 GiB");
  if (new_used > cap_) grow(new_used);
  std::memmove(buf_ + off + e.total, buf_ + off + del_bytes, used - off - del_bytes);
  e.write(buf_ + off);
  set_header(new_used, count - del_count + 1);
  if (new_used < used) maybe_shrink();
  return static_cast<Pos>(off);
}

void Listpack::remove(size_t off, size_t del_bytes, size_t del_count) {
  if (del_count == 0) return;
  const size_t used = used_bytes();
  std::memmove(buf_ + off, buf_ + off + del_bytes, used - off - del_bytes);
  set_header(used - del_bytes, size() - del_count);
  maybe_shrink();
}

Listpack::Pos Listpack::erase_at(Pos p) {
  remove(p, entry_bytes_at(p), 1);
  return p < used_bytes() ? p : kNone;
}

std::optional<std::string> Listpack::pop_front() {
  if (empty()) return std::nullopt;
  const Pos p = first();
  std::string out = value_at(p).to_string();
  erase_at(p);
  return out;
}

std::optional<std::string> Listpack::pop_back() {
  if (empty()) return std::nullopt;
  const Pos p = last();
  std::string out = value_at(p).to_string();
  erase_at(p);
  return out;
}

Listpack::Pos Listpack::seek(int64_t index) const {
  const int64_t n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return kNone;
  Pos p;
  if (index < n / 2) {
    p = first();
    for (int64_t k = 0; k < index; ++k) p = next(p);
  } else {
    p = last();
    for (int64_t k = n - 1; k > index; --k) p = prev(p);
  }
  return p;
}

std::optional<LpValue> Listpack::get(int64_t index) const {
  const Pos p = seek(index);
  if (p == kNone) return std::nullopt;
  return value_at(p);
}

bool Listpack::insert(int64_t index, std::string_view v) {
  const int64_t n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index > n) return false;
  if (index == n) {
    push_back(v);
  } else {
    insert_at(seek(index), v);
  }
  return true;
}

bool Listpack::replace(int64_t index, std::string_view v) {
  const Pos p = seek(index);
  if (p == kNone) return false;
  replace_at(p, v);
  return true;
}

bool Listpack::erase(int64_t index) {
  const Pos p = seek(index);
  if (p == kNone) return false;
  erase_at(p);
  return true;
}

size_t Listpack::erase_range(int64_t start, size_t count) {
  const Pos p = seek(start);
  if (p == kNone || count == 0) return 0;
  size_t end = p;
  size_t n = 0;
  const size_t used = used_bytes();
  while (n < count && end < used) {
    end = entry_end(static_cast<Pos>(end));
    ++n;
  }
  remove(p, end - p, n);
  return n;
}

Listpack::Pos Listpack::find(std::string_view v, Pos from, size_t skip) const {
  const std::optional<int64_t> iv = as_int(v);
  for (Pos p = from; p != kNone;) {
    const uint8_t t = buf_[p];
    if (iv) {
      if (t > kIntTagBase && value_at(p).i == *iv) return p;
    } else if (t <= kLongStrTag) {
      const LpValue x = value_at(p);
      if (x.s == v) return p;
    }
    p = next(p);
    for (size_t k = 0; k < skip && p != kNone; ++k) p = next(p);
  }
  return kNone;
}

Listpack Listpack::split(Pos p) {
  Listpack out;
  if (p == kNone) return out;
  size_t moved = 0;
  for (Pos q = p; q != kNone; q = next(q)) ++moved;
  const size_t used = used_bytes();
  const size_t bytes = used - p;
  out.reserve(kHeaderBytes + bytes);
  std::memcpy(out.buf_ + kHeaderBytes, buf_ + p, bytes);
  out.set_header(kHeaderBytes + bytes, moved);
  set_header(p, size() - moved);
  maybe_shrink();
  return out;
}

void Listpack::append(const Listpack& other) {
  if (other.empty()) return;
  const size_t used = used_bytes();
  const size_t bytes = other.used_bytes() - kHeaderBytes;
  if (used + bytes > kMaxUsed) throw std::length_error("listpack over 4 GiB");
  reserve(used + bytes);
  std::memcpy(buf_ + used, other.buf_ + kHeaderBytes, bytes);
  set_header(used + bytes, size() + other.size());
}

bool Listpack::valid() const {
  if (buf_ == nullptr) return cap_ == 0;
  const size_t used = used_bytes();
  if (used < kHeaderBytes || used > cap_) return false;
  // Forward: every entry parses within bounds and its back-length matches.
  size_t n = 0;
  size_t p = kHeaderBytes;
  size_t last_start = 0;
  while (p < used) {
    const uint8_t t = buf_[p];
    size_t len;
    if (t < kLongStrTag) {
      len = 1 + size_t{t};
    } else if (t == kLongStrTag) {
      size_t q = p + 1;
      size_t slen = 0;
      unsigned shift = 0;
      for (;;) {
        if (q >= used || shift > 28) return false;
        const uint8_t b = buf_[q++];
        slen |= size_t{b & 0x7Fu} << shift;
        if ((b & 0x80) == 0) break;
        shift += 7;
      }
      if (slen < kLongStrTag || q - p != 1 + varint_bytes(slen)) return false;  // not canonical
      len = q - p + slen;
    } else if (t <= kIntTagBase + 4) {
      len = 1 + (size_t{1} << (t - kIntTagBase - 1));
    } else {
      return false;
    }
    const size_t end = p + len + backlen_bytes(len);
    if (end > used) return false;
    // The back-length, read without trusting its continuation bits.
    const size_t k = end - (p + len);
    size_t back = 0;
    for (size_t j = 0; j < k; ++j) {
      const uint8_t b = buf_[end - 1 - j];
      back |= size_t{b & 0x7Fu} << (7 * j);
      if (((b & 0x80) != 0) != (j + 1 < k)) return false;
    }
    if (back != len) return false;
    last_start = p;
    p = end;
    ++n;
  }
  if (p != used || n != size()) return false;
  // Backward: the same entries in reverse.
  size_t m = 0;
  for (Pos q = last(); q != kNone; q = prev(q)) {
    if (q < kHeaderBytes || q >= used) return false;
    if (++m > n) return false;
  }
  if (m != n) return false;
  return n == 0 || last() == last_start;
}

}  // namespace shardis::core
