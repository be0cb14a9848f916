#pragma once
// SnapshotSession: one shard's part of a snapshot taken while the shard keeps serving writes,
// without fork and without a copy of the keyspace. The part holds the shard's keys as they were
// at the moment the session opened (the cut).
//
// How: each database is walked with the hash table's reverse-binary scan cursor, a bounded
// number of keys per step (one step per loop turn). A key is behind the walk when the
// bit-reversed table hash of its key is below the bit-reversed cursor (an order that resizes do
// not change: core::HashTable::scan), or its database was finished. Before anything changes a
// key that is not behind the walk, before_write() writes the key's current value (which is still
// its value at the cut, since this is its first change since then) or, when it does not exist,
// notes that it did not; the walk then skips it. A key written by before_write is remembered
// until the walk passes it (memory bounded by the writes made during the session). Keys that
// expire ahead of the walk are left out, as loading would skip them. A write that changes a
// whole database (FLUSHDB, FLUSHALL, SWAPDB) first finishes the part (finish_all).
//
// The executor calls before_write for every key a write command may touch (the keys it locks),
// and Transactions for every key a transaction detaches; so no change reaches a key ahead of
// the walk unseen.
//
// Thread: the owning shard's only.
#include <shardis/persist/rdb_codec.h>
#include <shardis/server/db.h>
#include <shardis/server/persist/file_util.h>
#include <shardis/server/persist/snapshot.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace shardis::server {

class SnapshotSession {
 public:
  // Opens the part's temporary file (as write_shard_part names it); the cut is now. framed: a
  // complete RDB file (per-shard layout), else the databases only (single layout).
  SnapshotSession(ShardStore& store, bool framed, uint64_t tag);
  SnapshotSession(const SnapshotSession&) = delete;
  SnapshotSession& operator=(const SnapshotSession&) = delete;

  // Before (db, key) changes: saves its value as of the cut unless the walk has passed it.
  void before_write(int db, std::string_view key);
  // Writes every key the walk has not reached yet.
  void finish_all();
  // Walks at most max_keys keys; true once the part is complete (or failed): then take() it.
  bool step(size_t max_keys);
  bool complete() const { return complete_; }
  // The finished part (its file written and fsynced), or the error.
  SnapshotPart take();

  uint64_t keys_written() const { return part_.keys; }
  // Keys saved ahead of the walk and not yet passed by it.
  size_t remembered() const;
  // Entries the scan reported again after a shrink, recognised as behind the walk and skipped.
  uint64_t reported_again() const { return reported_again_; }

 private:
  bool behind(int db, uint64_t hash) const;
  void write(int db, const core::Entry* e);
  void next_db();
  void finish();

  ShardStore& store_;
  bool framed_;
  FileSink sink_;
  persist::RdbWriter w_;
  SnapshotPart part_;
  std::array<std::unordered_set<std::string>, ShardStore::kNumDbs> saved_;
  std::array<uint64_t, ShardStore::kNumDbs> sizes_{};    // at the cut, for RESIZEDB
  std::array<uint64_t, ShardStore::kNumDbs> expires_{};  // likewise
  int db_ = 0;                                           // the database being walked
  uint64_t cursor_ = 0;                                  // its scan cursor (0: not started)
  int written_db_ = -1;  // the database of the last SELECTDB written
  bool complete_ = false;
  bool failed_ = false;
  uint64_t reported_again_ = 0;
};

}  // namespace shardis::server
