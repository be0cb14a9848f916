#pragma once
// The primitives of Redis's RDB format (RDB version 10, Redis 7.0) that every record of an RDB
// file and every DUMP payload is built from: lengths and strings. Byte for byte what redis-server
// writes and reads, so that files and payloads move between the two servers.
//
// Lengths: the top two bits of the first byte select the form.
//   00xxxxxx                a length of 0 to 63
//   01xxxxxx yyyyyyyy       a length of 14 bits, big-endian (xxxxxx the high bits)
//   10000000 + 4 bytes      a 32-bit big-endian length
//   10000001 + 8 bytes      a 64-bit big-endian length
//   11xxxxxx                no length: a string in a special encoding, xxxxxx its kind
// Strings: a length and the bytes; or, kinds 0, 1 and 2, an integer of 8, 16 or 32 bits,
// little-endian, that stands for its decimal form; or, kind 3, LZF-compressed: the compressed
// length, the original length, then the compressed bytes.
//
// RdbWriter writes a string as an integer exactly when redis-server does (the string is the
// canonical decimal form of an integer that fits 32 bits, at most 11 characters). Otherwise, when
// made with compress (redis-server's rdbcompression yes), it writes a string of more than 20
// bytes LZF-compressed when that saves at least 4 bytes, as redis-server does; else raw.
// RdbReader reads every form. It never reads past its input and never allocates more than the
// input can justify; on malformed input it fails with a message that names the offset.
//
// Thread: plain values, owned by one thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shardis::persist {

class RdbWriter {
 public:
  explicit RdbWriter(std::string& out, bool compress = false) : out_(out), compress_(compress) {}
  void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void len(uint64_t n);
  void string(std::string_view s);
  void raw(std::string_view bytes) { out_.append(bytes); }

 private:
  std::string& out_;
  bool compress_;
  std::string packed_;  // scratch for compressed strings
};

class RdbReader {
 public:
  // Largest string a reader accepts (redis-server's default proto-max-bulk-len).
  static constexpr uint64_t kMaxString = 512ULL * 1024 * 1024;

  explicit RdbReader(std::string_view in) : in_(in) {}

  bool byte(uint8_t* b);
  // A length. *encoded is set when the first byte selects a special string encoding: *n is then
  // its kind. With encoded == nullptr, such a byte reads as a length of its low six bits, as
  // redis-server's rdbLoadLen reads it.
  bool len(uint64_t* n, bool* encoded = nullptr);
  bool string(std::string* s);
  bool raw(size_t n, std::string_view* bytes);

  size_t offset() const { return pos_; }
  size_t left() const { return in_.size() - pos_; }
  const std::string& error() const { return error_; }
  // Records `what` at the current offset (the first failure recorded is kept) and returns false:
  // for the readers of whole values built on these primitives.
  bool fail(const char* what);

 private:
  bool lzf(std::string* s);

  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

// LZF decompression (the liblzf format redis-server compresses RDB strings with): decodes
// `in` into exactly `out_len` bytes. false on malformed input (a back reference before the
// start, a literal or a copy past either end, or a size other than out_len).
bool lzf_decompress(std::string_view in, size_t out_len, std::string* out);

// LZF compression, the bytes redis-server's liblzf produces for the same input. Replaces *out
// with them and returns true only when they are at least 4 bytes shorter than `in` (the only case
// in which redis-server stores a string compressed); false otherwise, *out then unspecified.
// Thread-safe: each calling thread keeps its own 512 KiB hash table, allocated at its first call.
bool lzf_compress(std::string_view in, std::string* out);

}  // namespace shardis::persist
