#pragma once
// WatchTable: the keys of this shard that some client WATCHes, each with a version that moves
// whenever the key changes. A client's WATCH takes a Stamp of each key on its owner; its EXEC
// compares, under the transaction's locks, the stamps with the current ones.
//
// Contract
// - Thread: the owning shard's only. Fed by the executor (it is an OutcomeObserver) with every
//   change of every command run here, expiries included, and told before a database is
//   flushed or swapped.
// - Versions come from one counter per shard and never repeat, so a key that stops being
//   watched and is watched again cannot match an old stamp.
// - Redis's rules (multi.c): a change by any client, the watcher included, aborts EXEC; so do
//   FLUSHDB/FLUSHALL and SWAPDB when the key existed in the databases involved; an expiry of a
//   live key does, and so does a key that expired (logically) between WATCH and EXEC. A key
//   already expired when it was watched is not changed by its deletion.
// - Cost: nothing when no key is watched (one branch per command).
#include <shardis/server/db.h>
#include <shardis/server/exec/executor.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shardis::server {

struct WatchStamp {
  uint64_t version = 0;         // moves on every change but the deletion of an expired key
  uint64_t expiry_version = 0;  // moves when the key is deleted because its TTL passed
  bool expired = false;         // the key was logically expired when it was watched
};

class WatchTable final : public OutcomeObserver {
 public:
  explicit WatchTable(ShardStore& store) : store_(store) {}

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

  // One more watcher of (db, key); its stamp now.
  WatchStamp watch(int db, std::string_view key);
  // One watcher less.
  void unwatch(int db, std::string_view key);
  // Whether (db, key) changed since `at` was stamped (Redis's CLIENT_DIRTY_CAS for this key).
  bool changed(int db, std::string_view key, const WatchStamp& at);

  // Before FLUSHDB/FLUSHALL (other < 0) or SWAPDB: watched keys of db (every db when db < 0)
  // that exist in db, or in `other` (the database swapped in), count as changed.
  void before_flush(int db, int other) override;

  // OutcomeObserver
  void on_outcome(const CommandSpec* spec, ArgList args, int db, const Outcome& out) override;

 private:
  struct Entry {
    uint32_t watchers = 0;
    uint64_t version = 0;
    uint64_t expiry_version = 0;
  };
  std::string_view name_of(int db, std::string_view key);
  Entry* find(int db, std::string_view key);

  ShardStore& store_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t counter_ = 0;
  std::string scratch_;
};

}  // namespace shardis::server
