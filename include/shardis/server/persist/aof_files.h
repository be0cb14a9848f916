#pragma once
// The append-only file on disk, and its recovery at start-up.
//
// Files, in <dir>/<appenddirname>:
//   <appendfilename>.manifest    "shardis-aof-manifest 1", "shards N", then per shard, in shard
//                                order, "shard <i> <base file> <segment file>"
//   <appendfilename>.<gen>.<i>-of-<N>.base.rdb   shard i's keys when its log began (an RDB file)
//   <appendfilename>.<gen>.<i>-of-<N>.incr.saof  shard i's segment (persist/aof_format.h)
// The manifest is replaced atomically (temporary file, fsync, rename, fsync of the directory).
//
// Start-up with appendonly yes (ShardSet runs the phases on every shard's thread, in parallel):
//   1. prepare: with a manifest, the shard loads its base and scans its segment, checking every
//      record (a torn tail is cut off when aof-load-truncated is yes, else refused; corruption
//      in the middle is always refused, naming the file and the offset). With no manifest yet,
//      the shard loads the snapshot as without AOF, writes it as its base, and starts an empty
//      segment; the manifest is written once every shard has done so.
//   2. merge (one thread): a transaction whose records are not on all its participants'
//      segments was never acknowledged (a reply waits for every participant's record to be
//      written, and with appendfsync always to be durable): it is left out, everywhere.
//   3. replay: each shard applies its records through its executor, skipping the transactions
//      left out, then logs new records at the end of its segment.
// The shard count must be the one the manifest names (the segments hold each shard's keys).
//
// Thread: prepare_shard_aof and replay_shard_aof on the shard's own thread; the rest on one
// thread while the shards wait.
#include <shardis/server/persist/file_util.h>
#include <shardis/server/persist/persist_settings.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace shardis::server {

class ShardCore;

struct AofManifest {
  uint32_t shards = 0;
  std::vector<std::string> base;  // per shard, names in the AOF directory
  std::vector<std::string> incr;
};

std::string aof_dir_path(const PersistSettings& st);
// false with *missing when there is no manifest, or with *error when it is malformed.
bool read_aof_manifest(const PersistSettings& st, AofManifest* m, bool* missing,
                       std::string* error);
bool write_aof_manifest(const PersistSettings& st, const AofManifest& m, std::string* error);

// One shard's AOF between the phases.
struct AofShardScan {
  bool created = false;  // no manifest existed: this shard wrote a new base and segment
  std::string base;      // names in the AOF directory
  std::string incr;
  std::string path;  // the segment
  std::unique_ptr<MappedFile> file;
  size_t valid_end = 0;  // bytes of whole, valid records (and the header)
  uint64_t records = 0;
  uint64_t base_keys = 0;
  // Transactions of several participants seen here: id -> participants.
  std::unordered_map<uint64_t, uint16_t> txns;
  uint64_t max_txn_id = 0;
};

// Phase 1 (see above). manifest: nullptr when none exists; generation names new files.
bool prepare_shard_aof(ShardCore& core, const AofManifest* manifest, uint64_t generation,
                       AofShardScan* scan, std::string* error);

// Phase 2: the transactions to leave out, and the largest transaction id seen.
void merge_aof_scans(std::span<const AofShardScan> scans, std::unordered_set<uint64_t>* left_out,
                     uint64_t* max_txn_id);

// Phase 3. Afterwards the shard logs to its segment.
bool replay_shard_aof(ShardCore& core, AofShardScan& scan,
                      const std::unordered_set<uint64_t>& left_out, uint64_t max_txn_id,
                      std::string* error);

}  // namespace shardis::server
