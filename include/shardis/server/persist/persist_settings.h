#pragma once
// The persistence settings, with Redis's names and defaults (redis.conf): where snapshots go,
// how they are written, and when they are taken.
//
// Thread: each shard holds its own copy (ShardStore::persist()); the coordinator's copy is the
// one CONFIG GET reads.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shardis::server {

struct PersistSettings {
  std::string dir = ".";                // dir: snapshot files live here
  std::string dbfilename = "dump.rdb";  // dbfilename
  bool rdb_compression = true;          // rdbcompression: LZF for strings over 20 bytes
  // rdb-per-shard (Shardis): each shard writes its own RDB file, in parallel, and a manifest
  // (<dbfilename>.manifest) names them; "no" writes the single file <dbfilename>.
  bool rdb_per_shard = true;
  // save: "<seconds> <changes>" pairs; empty disables saving (also at shutdown).
  std::string save = "3600 1 300 100 60 10000";

  // The append-only file (docs/durability.md).
  bool appendonly = false;                        // appendonly: log every write (set at start only)
  std::string appenddirname = "appendonlydir";    // appenddirname: the AOF's directory, in dir
  std::string appendfilename = "appendonly.aof";  // appendfilename: the prefix of its files
  // appendfsync: when a write is on stable storage. always: before it is acknowledged (one
  // fdatasync per loop turn for every write of the turn); everysec: at most about a second
  // later; no: when the kernel writes it back.
  enum class Fsync : uint8_t { kAlways, kEverysec, kNo };
  Fsync appendfsync = Fsync::kEverysec;
  // aof-load-truncated: a torn tail of the last segment is cut off (with a log line) rather
  // than refusing to start.
  bool aof_load_truncated = true;
};

const char* fsync_name(PersistSettings::Fsync f);
// "always", "everysec" or "no" (case-insensitive); false for anything else.
bool parse_fsync(std::string_view v, PersistSettings::Fsync* out);

// What one shard remembers of its snapshots.
struct PersistState {
  int64_t lastsave_s = 0;      // LASTSAVE: the last successful save (start-up counts as one)
  uint64_t next_tag = 0;       // makes each part's temporary file name unique
  uint64_t dirty_at_save = 0;  // the shard's dirty count when it last saved
  int64_t saves = 0;           // INFO rdb_saves
  int64_t loaded_keys = 0;     // INFO rdb_last_load_keys_loaded
  int64_t loaded_expired = 0;  // INFO rdb_last_load_keys_expired
};

// The pairs of a `save` value, or false with *error for a malformed one (Redis's message: "Invalid
// save parameters").
bool parse_save_rules(const std::string& value, std::vector<std::pair<int64_t, int64_t>>* rules);

}  // namespace shardis::server
