#pragma once
// Snapshots: the keyspace in Redis's RDB format (version 10), written by each shard from its own
// thread and published as one consistent set of files; and the loading of such a set, or of any
// redis-server 7.0 RDB, at start-up.
//
// Files, in PersistSettings::dir:
//   per-shard (rdb-per-shard yes, the default)
//     <dbfilename>.manifest             "shardis-rdb-manifest 1", then "shards N", then one
//                                       "file <name>" line per shard, in shard order
//     <dbfilename>.<generation>.<i>-of-<N>   shard i's keys: a complete RDB file that
//                                       redis-check-rdb and redis-server accept on its own
//   single (rdb-per-shard no)
//     <dbfilename>                      every key in one RDB file: each shard's part one after
//                                       the other, within one header and one checksum
// Publishing is atomic: parts are written to temporary files and fsynced; then the single
// file, or the manifest, replaces the old one by rename, and the directory is fsynced. A crash
// at any point leaves the old snapshot or the new one, never a mix. Files of an older
// generation are removed once the new manifest is in place.
//
// Loading: a shard reads the file(s) of the configured layout (falling back to the other one)
// and keeps the keys it owns (server/routing.h), so a snapshot taken with any shard count, or
// by redis-server, loads into any shard count. With the manifest's shard count equal to the
// server's, shard i reads only file i. Keys whose TTL has passed are not loaded. Function
// libraries in a redis-server RDB are skipped with a warning; module data and streams refuse
// the file.
//
// Thread: write_shard_part and load_shard_snapshot on the shard's own thread (each touches only
// its own store); publish_snapshot on any one thread once every part is written.
#include <shardis/persist/rdb_file.h>
#include <shardis/server/db.h>
#include <shardis/server/persist/persist_settings.h>

#include <cstdint>
#include <span>
#include <string>

namespace shardis::server {

// One shard's part of a snapshot, written to a temporary file in dir.
struct SnapshotPart {
  bool ok = false;
  std::string path;   // the temporary file
  std::string error;  // when !ok
  uint64_t keys = 0;
  bool wanted = false;       // at shutdown: the shard's save rules asked for it
  PersistSettings settings;  // the shard's settings when it wrote the part, to publish with
};

// The header of a snapshot file written now (aux fields with Redis's names).
persist::RdbHeader rdb_header_now();
// Where a part with this tag is written before it is published (in dir).
std::string snapshot_temp_path(const ShardStore& store, uint64_t tag);

// Writes every key of the store (expired ones not yet reclaimed included, with their TTL, as
// Redis does). framed: a complete RDB file (per-shard layout); otherwise the databases only, for
// publish_snapshot to frame (single layout). `tag` makes the temporary name unique.
SnapshotPart write_shard_part(const ShardStore& store, bool framed, uint64_t tag);

// Publishes the parts (in shard order) as the current snapshot of `settings`' layout; removes the
// temporary files either way. false with *error (naming the file) on any I/O failure, and the
// previous snapshot is then still the current one.
bool publish_snapshot(const PersistSettings& settings, std::span<const SnapshotPart> parts,
                      std::string* error);

struct LoadStats {
  std::string files;  // what was read, for the log
  uint64_t keys = 0;
  uint64_t expired = 0;
  uint64_t empty = 0;  // empty collections skipped (as redis-server skips them)
  uint64_t functions_skipped = 0;
  bool found = false;  // some snapshot existed
};

// Loads this shard's keys from the current snapshot into an empty store. false with *error
// ("<file>: <reason> at offset N") when a file is unreadable or malformed: the server must not
// start then.
bool load_shard_snapshot(ShardStore& store, LoadStats* stats, std::string* error);

// Loads one RDB file into the store: every key when all_mine, else only the keys this shard
// owns. Same errors as load_shard_snapshot.
bool load_snapshot_file(ShardStore& store, const std::string& path, bool all_mine, LoadStats* stats,
                        std::string* error);

// SHUTDOWN, once it has saved (or was told not to): asks the process to stop as SIGTERM does,
// without saving again. Any thread; the main thread reads shutdown_skips_save() after the stop
// signal.
void request_shutdown_without_save();
bool shutdown_skips_save();

}  // namespace shardis::server
