#pragma once
// The persistence settings, with Redis's names and defaults (redis.conf): where snapshots go,
// how they are written, and when they are taken.
//
// Thread: each shard holds its own copy (ShardStore::persist()); the coordinator's copy is the
// one CONFIG GET reads.
#include <cstdint>
#include <string>
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
};

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
