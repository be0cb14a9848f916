#pragma once
// The two compact formats that Redis wrote before listpacks, read when an RDB file or a DUMP
// payload from Redis 2.x to 6.2 is loaded. Readers only: Shardis never writes them.
//
// Ziplist (RDB types 10, 12 and 13: lists, sorted sets and hashes; and the nodes of quicklist
// v1, type 14)
//   header      u32 zlbytes (blob size), u32 zltail (offset of the last entry), u16 zllen
//               (entry count; 65535: "count it yourself"), all little-endian
//   entries     prevlen, encoding, payload
//   terminator  0xFF
//   prevlen     size of the previous entry (0 for the first): one byte when below 254, else 0xFE
//               and a u32 (the 5-byte form may also hold a small size: Redis leaves it so)
//   encoding    00LLLLLL                 string of up to 63 bytes
//               01LLLLLL LLLLLLLL        string of up to 16383 bytes (big-endian length)
//               10xxxxxx + u32 BE        string of a 32-bit length
//               0xC0 / 0xD0 / 0xE0       int16 / int32 / int64, little-endian
//               0xF0                     24-bit int, little-endian
//               0xFE                     int8
//               0xF1..0xFD               the integer 0..12 (low 4 bits minus one), no payload
// Zipmap (RDB type 9, hashes of Redis 2.4 and earlier)
//   u8 count (254: "count it yourself"), then per pair: key length, key, value length,
//   u8 free, value, `free` unused bytes; then 0xFF. A length is one byte below 254, else 254
//   (or, for a value, 255) and a u32 in host order (little-endian on every machine Redis ran on).
//
// Contract
// - validate_redis_ziplist accepts exactly what ziplistValidateIntegrity(deep) accepts. The zipmap
//   functions accept what zipmapValidateIntegrity(deep) accepts (which refuses an empty zipmap)
//   but one thing: a length in the 5-byte form that is below 254. Redis's validator lets it pass,
//   then its reader, which sizes a length by its value, misreads the pairs (RESTORE fails), so
//   it is refused here. Neither reads outside the blob. On failure *error names the problem and
//   its offset.
// - RedisZiplistReader assumes a validated blob; string values, and the zipmap pairs, are views
//   into the blob.
//
// Thread: plain values, owned by one thread.
#include <shardis/core/listpack.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shardis::persist {

bool validate_redis_ziplist(std::string_view blob, std::string* error);

class RedisZiplistReader {
 public:
  static constexpr size_t kHeaderBytes = 10;

  explicit RedisZiplistReader(std::string_view validated_blob) : blob_(validated_blob) {}
  // The next entry; false at the end.
  bool next(core::LpValue* v);

 private:
  std::string_view blob_;
  size_t pos_ = kHeaderBytes;
};

using ZipmapPairs = std::vector<std::pair<std::string_view, std::string_view>>;

bool validate_redis_zipmap(std::string_view blob, std::string* error);
// Validates and, when valid, appends the (key, value) pairs in blob order to *out. Keys are not
// checked for duplicates: the caller that builds a hash from them does that.
bool redis_zipmap_pairs(std::string_view blob, ZipmapPairs* out, std::string* error);

}  // namespace shardis::persist
