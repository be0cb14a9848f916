#pragma once
// The framing of an RDB file (Redis 7.0, RDB version 10) around its values (rdb_value.h):
//
//   "REDIS0010"                         magic and version, 9 bytes
//   0xFA aux-key aux-value  ...         aux fields (redis-ver, redis-bits, ctime, used-mem, ...)
//   0xFE db                             SELECTDB: the database of the keys that follow
//   0xFB size expires                   RESIZEDB: a sizing hint
//   [0xFC ms8] [0xF8 idle] [0xF9 freq]  per key, optional: absolute expiry (little-endian ms),
//   type key value                      LRU idle seconds, LFU counter; then the key itself
//   0xFF crc8                           EOF, then the CRC-64 of every byte before it (0: none)
//
// SELECTDB and RESIZEDB may repeat (a file that several shards wrote has one run per shard and
// database; redis-server loads it alike). The writer side is a handful of functions over an
// RdbWriter; the reader is a pull parser over the whole file in memory.
//
// Thread: plain values, owned by one thread.
#include <shardis/persist/rdb_codec.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shardis::persist {

enum RdbOpcode : uint8_t {
  kOpFunction2 = 0xF5,
  kOpFunction = 0xF6,
  kOpModuleAux = 0xF7,
  kOpIdle = 0xF8,
  kOpFreq = 0xF9,
  kOpAux = 0xFA,
  kOpResizeDb = 0xFB,
  kOpExpireMs = 0xFC,
  kOpExpireSec = 0xFD,
  kOpSelectDb = 0xFE,
  kOpEof = 0xFF,
};

inline constexpr std::string_view kRdbMagic = "REDIS";
inline constexpr int kRdbFileVersion = 10;

// "REDIS0010" and the aux fields redis-server 7.0 writes (redis-ver is the Redis version Shardis
// is compatible with), plus any extra ones.
struct RdbHeader {
  std::string redis_ver = "7.0.15";
  int64_t ctime = 0;     // seconds since the epoch
  int64_t used_mem = 0;  // bytes
  bool aof_base = false;
  std::vector<std::pair<std::string, std::string>> extra;
};
void write_rdb_header(RdbWriter& w, const RdbHeader& h);
void write_rdb_aux(RdbWriter& w, std::string_view key, std::string_view value);
void write_rdb_select_db(RdbWriter& w, int db, uint64_t keys, uint64_t expires);
void write_rdb_expire_ms(RdbWriter& w, int64_t when_ms);
// The EOF opcode; the caller then appends the CRC-64 of everything up to and including it
// (write_rdb_checksum), since only the caller has seen all the bytes.
void write_rdb_eof(RdbWriter& w);
void write_rdb_checksum(RdbWriter& w, uint64_t crc);

// One key as the parser finds it; the reader then stands at its value.
struct RdbKeyHeader {
  int db = 0;
  uint8_t type = 0;
  std::string key;
  int64_t expire_ms = -1;  // absolute, or -1
  int64_t idle_s = -1;     // RDB_OPCODE_IDLE, or -1
  int freq = -1;           // RDB_OPCODE_FREQ, or -1
};

class RdbFileParser {
 public:
  // file: the whole file; it must outlive the parser.
  explicit RdbFileParser(std::string_view file);

  // Magic and version: redis-server 7.0 loads versions 1 to 10, and so does this.
  bool read_header();
  enum class Next : uint8_t { kKey, kEof, kError };
  // Reads opcodes up to the next key (its header into *key; the caller then reads or skips the
  // value through reader()) or the end. At the end, checks the CRC-64 (unless it is 0, as
  // rdbchecksum no writes it).
  Next next(RdbKeyHeader* key);

  RdbReader& reader() { return r_; }
  int version() const { return version_; }
  const std::vector<std::pair<std::string, std::string>>& aux() const { return aux_; }
  // Function libraries (FUNCTION2) met so far: they are skipped, not loaded.
  size_t functions_skipped() const { return functions_skipped_; }
  // Why parsing stopped: the reader's message with its offset.
  std::string error() const { return r_.error(); }

 private:
  std::string_view file_;
  RdbReader r_;
  int version_ = 0;
  int db_ = 0;
  std::vector<std::pair<std::string, std::string>> aux_;
  size_t functions_skipped_ = 0;
};

// Skips one value of RDB type `type` without building it (keys another shard owns).
bool skip_rdb_object(RdbReader& r, uint8_t type);

}  // namespace shardis::persist
