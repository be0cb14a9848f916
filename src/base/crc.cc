#include <shardis/base/crc.h>

#include <array>
#include <cstring>

namespace shardis::base {

namespace {

// Slicing-by-8 tables of a reflected CRC: t[0] is the byte-at-a-time table, t[k][b] the CRC of
// byte b followed by k zero bytes.
template <typename T>
struct Tables {
  std::array<std::array<T, 256>, 8> t{};
  explicit Tables(T reflected_poly) {
    for (unsigned n = 0; n < 256; ++n) {
      T c = static_cast<T>(n);
      for (int k = 0; k < 8; ++k) c = (c & 1) ? static_cast<T>((c >> 1) ^ reflected_poly) : c >> 1;
      t[0][n] = c;
    }
    for (unsigned n = 0; n < 256; ++n) {
      for (int k = 1; k < 8; ++k) t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xff];
    }
  }
};

uint64_t load_le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The register update of a reflected CRC over [p, p + len): no initial or final xor here.
template <typename T>
T update(const Tables<T>& tb, T c, const unsigned char* p, size_t len) {
  const auto& t = tb.t;
  for (; len >= 8; p += 8, len -= 8) {
    uint64_t x = load_le64(p) ^ static_cast<uint64_t>(c);
    c = static_cast<T>(t[7][x & 0xff] ^ t[6][(x >> 8) & 0xff] ^ t[5][(x >> 16) & 0xff] ^
                       t[4][(x >> 24) & 0xff] ^ t[3][(x >> 32) & 0xff] ^ t[2][(x >> 40) & 0xff] ^
                       t[1][(x >> 48) & 0xff] ^ t[0][x >> 56]);
  }
  for (; len > 0; ++p, --len) c = static_cast<T>(t[0][(c ^ *p) & 0xff] ^ (c >> 8));
  return c;
}

// The reflections of the two polynomials: 0xad93d23594c935a9 and 0x1edc6f41.
const Tables<uint64_t>& crc64_tables() {
  static const Tables<uint64_t> tables(0x95ac9329ac4bc9b5ULL);
  return tables;
}

const Tables<uint32_t>& crc32c_tables() {
  static const Tables<uint32_t> tables(0x82f63b78U);
  return tables;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(uint32_t c, const unsigned char* p,
                                                        size_t len) {
  uint64_t c64 = c;
  for (; len >= 8; p += 8, len -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = __builtin_ia32_crc32di(c64, v);
  }
  c = static_cast<uint32_t>(c64);
  for (; len > 0; ++p, --len) c = __builtin_ia32_crc32qi(c, *p);
  return c;
}

bool have_sse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t len) {
  return update(crc64_tables(), crc, static_cast<const unsigned char*>(data), len);
}

uint32_t crc32c_portable(uint32_t crc, const void* data, size_t len) {
  return ~update(crc32c_tables(), ~crc, static_cast<const unsigned char*>(data), len);
}

uint32_t crc32c(uint32_t crc, const void* data, size_t len) {
#if defined(__x86_64__)
  if (have_sse42()) return ~crc32c_sse42(~crc, static_cast<const unsigned char*>(data), len);
#endif
  return crc32c_portable(crc, data, len);
}

}  // namespace shardis::base
