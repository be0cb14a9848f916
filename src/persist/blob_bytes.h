#pragma once
// Byte access shared by the readers and writers of Redis's blob formats (listpack, ziplist,
// zipmap). Private to src/persist. Offsets are the caller's to check against the blob's size.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shardis::persist::blob {

inline uint8_t at(std::string_view b, size_t i) {
  return static_cast<uint8_t>(b[i]);
}

// n bytes at p, little-endian / big-endian.
inline uint64_t load_le(std::string_view b, size_t p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | at(b, p + static_cast<size_t>(i));
  return v;
}
inline uint64_t load_be(std::string_view b, size_t p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | at(b, p + static_cast<size_t>(i));
  return v;
}

inline void store_le(std::string& out, size_t p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out[p + static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
}
inline void append_le(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Two's complement value of the low `bits` bits of u.
inline int64_t sign_extend(uint64_t u, int bits) {
  if (bits == 64) return static_cast<int64_t>(u);
  const uint64_t sign = uint64_t{1} << (bits - 1);
  u &= (sign << 1) - 1;
  return static_cast<int64_t>(u ^ sign) - static_cast<int64_t>(sign);
}

// Sets *error (when not null) to "<kind>: <what> at offset N"; returns false.
inline bool fail(std::string* error, const char* kind, const char* what, size_t offset) {
  if (error != nullptr) {
    *error = std::string(kind) + ": " + what + " at offset " + std::to_string(offset);
  }
  return false;
}

}  // namespace shardis::persist::blob
