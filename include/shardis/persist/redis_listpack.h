#pragma once
// Redis 7.0's listpack, byte for byte: the blob that RDB files and DUMP payloads carry for small
// hashes, sets of strings, sorted sets and list nodes (RDB types 16 to 20). Shardis's own
// core::Listpack keeps a different, wider layout in memory; this is the exchange format only.
//
// Layout (little-endian)
//   header      u32 total bytes of the blob, u16 entry count (65535: "count it yourself")
//   entries     encoding, payload, back-length
//   terminator  0xFF
// Encodings, chosen by the first byte:
//   0xxxxxxx                 integer 0..127
//   10LLLLLL + L bytes       string of 0..63 bytes
//   110xxxxx yyyyyyyy        13-bit two's complement integer, -4096..4095 (x the high bits)
//   1110LLLL LLLLLLLL + ...  string of 64..4095 bytes (12-bit length, high bits first)
//   0xF0 u32 + bytes         string of 4096 bytes or more
//   0xF1 / F2 / F3 / F4      integer in 2 / 3 / 4 / 8 bytes, two's complement
//   0xF5..0xFE               never valid
// Back-length: the size of encoding + payload in 1 to 5 bytes of 7 bits, read from the right:
// the rightmost byte holds the low 7 bits and has bit 7 set when more bytes follow to its left.
// Redis uses 2 bytes below 16383, 3 below 2097151, 4 below 268435455, else 5 (so 16383 itself
// takes 3 bytes); the writer does the same.
//
// Contract
// - RedisListpackWriter produces exactly the bytes of a listpack that Redis built by appending
//   the same values in order (lpAppend / lpAppendInteger). A string becomes an integer exactly
//   when Redis's rule says so: the canonical decimal form of an int64 ("12", "-7"; not "007",
//   "-0", "+1", " 1"), at most 20 characters. The caller keeps the blob under 1 GiB, the bound
//   Redis itself keeps listpacks to.
// - validate_redis_listpack accepts what lpValidateIntegrity(deep) accepts, with one tightening:
//   a back-length must be the exact bytes Redis writes for its entry (Redis also accepts some
//   non-canonical forms that decode to the same number; it never writes them). It reads nothing
//   outside the blob.
// - RedisListpackReader assumes a validated blob; its string values are views into that blob.
//
// Thread: plain values, owned by one thread.
#include <shardis/core/listpack.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shardis::persist {

class RedisListpackWriter {
 public:
  static constexpr size_t kHeaderBytes = 6;

  void add(std::string_view s);
  void add_int(int64_t v);
  size_t count() const { return count_; }
  // Size of the blob finish() returns.
  size_t bytes() const { return (buf_.empty() ? kHeaderBytes : buf_.size()) + 1; }
  // The blob; the writer is then empty again.
  std::string finish();

 private:
  void start();
  void add_string(std::string_view s);
  void end_entry(size_t entry_start);

  std::string buf_;  // header placeholder and entries, once anything was added
  size_t count_ = 0;
};

// true when blob is a well-formed listpack (see the contract). On failure *error names the
// problem and its byte offset.
bool validate_redis_listpack(std::string_view blob, std::string* error);

class RedisListpackReader {
 public:
  explicit RedisListpackReader(std::string_view validated_blob) : blob_(validated_blob) {}
  // The next entry; false at the end.
  bool next(core::LpValue* v);

 private:
  std::string_view blob_;
  size_t pos_ = RedisListpackWriter::kHeaderBytes;
};

}  // namespace shardis::persist
