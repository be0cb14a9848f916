#pragma once
// Checksums of the on-disk formats.
//
//   crc64:  Redis's CRC-64 (the Jones polynomial 0xad93d23594c935a9, reflected, initial value 0,
//           no final xor), the checksum that ends RDB files and DUMP payloads.
//           crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
//   crc32c: CRC-32C (Castagnoli polynomial, reflected, initial value and final xor 0xffffffff),
//           for Shardis's own append-only-file records. Uses the CPU's CRC32 instruction
//           (SSE4.2) where there is one. crc32c(0, "123456789") == 0xe3069283.
//
// Both continue from an earlier result, so data may be fed in pieces:
// crc(crc(0, a), b) == crc(0, a + b).
//
// Thread-safe: the tables are constants built once, at first use.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shardis::base {

uint64_t crc64(uint64_t crc, const void* data, size_t len);
inline uint64_t crc64(uint64_t crc, std::string_view s) {
  return crc64(crc, s.data(), s.size());
}

uint32_t crc32c(uint32_t crc, const void* data, size_t len);
inline uint32_t crc32c(uint32_t crc, std::string_view s) {
  return crc32c(crc, s.data(), s.size());
}
// The same result without the CPU instruction (what crc32c falls back to).
uint32_t crc32c_portable(uint32_t crc, const void* data, size_t len);

}  // namespace shardis::base
