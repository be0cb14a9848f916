#pragma once
// Executor: the one owner-side execution function. Every command that runs on the shard owning
// its keys goes through run() or run_part(): a local command, a request from another shard, a
// part of a fanned-out command, a step of a transaction, a blocked client being served. The
// handler writes the reply and reports what it changed into the shard's Outcome; the executor
// then hands the outcome to everything that observes writes, here and only here:
//
//   * statistics (commands run, dirty count, expired keys);
//   * the OutcomeObserver chain (WATCH versions, keyspace notifications, blocked clients'
//     ready keys, and whoever logs or replicates commands), each told of every outcome.
//
// The executor is also its store's DbObserver: keys that expire or appear inside the Db are
// reported to the same observers, as the outcome of no command.
//
// A "bare" executor (no observers) runs commands on a scratch store for cross-shard commands;
// their outcome is then applied on the shards that own the keys (see txn/).
//
// Thread: the owning shard's only.
#include <shardis/proto/reply_builder.h>
#include <shardis/server/command.h>
#include <shardis/server/db.h>
#include <shardis/server/exec/outcome.h>

#include <cstdint>
#include <span>
#include <vector>

namespace shardis::server {

class SnapshotSession;

// Told of what ran on this shard. Called after the handler returned, with the arguments still
// valid.
class OutcomeObserver {
 public:
  virtual ~OutcomeObserver() = default;
  // spec is nullptr for changes made outside any command (expiry).
  virtual void on_outcome(const CommandSpec* spec, ArgList args, int db, const Outcome& out) = 0;
  // A key that did not exist was added (Redis's dbAdd).
  virtual void on_key_added(int db, std::string_view key, ObjType type) {
    (void)db;
    (void)key;
    (void)type;
  }
  // A database is about to be emptied or swapped (see FlushListener).
  virtual void before_flush(int db, int swapped_with) {
    (void)db;
    (void)swapped_with;
  }
};

struct ExecStats {
  uint64_t commands = 0;      // commands run (parts of a fanned-out command count once each)
  uint64_t dirty = 0;         // changes since start (Redis's server.dirty)
  uint64_t expired_keys = 0;  // keys removed because their TTL passed
};

// How a command is run (see ExecContext).
struct ExecOptions {
  bool may_block = false;
  uint32_t serve_key = 0;
};

class Executor final : public DbObserver, public FlushListener {
 public:
  explicit Executor(ShardStore& store);
  ~Executor() override;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  ShardStore& store() { return store_; }

  // Runs a whole command whose keys are all on this shard, writing its one reply to rb. For a
  // fanned-out command this is its run handler, or its part plus its merge.
  const Outcome& run(const CommandSpec& spec, ArgList args, int db, proto::ReplyBuilder& rb,
                     ExecOptions opts = {});
  // Runs this shard's part of a fanned-out command (key_idx: its keys, or empty for all-shards).
  const Outcome& run_part(const CommandSpec& spec, ArgList args, int db,
                          std::span<const uint32_t> key_idx, PartResult& out);

  void add_observer(OutcomeObserver* o);
  // While a snapshot session is open on this shard, every key a write command may touch is
  // shown to it before the command runs (SnapshotSession::before_write); a write with no keys
  // (FLUSHDB, FLUSHALL, SWAPDB) first finishes it. nullptr: none.
  void set_snapshot(SnapshotSession* s) { snapshot_ = s; }
  SnapshotSession* snapshot() const { return snapshot_; }
  // A key about to change outside any command of this executor (a transaction detaching it).
  void before_key_change(int db, std::string_view key);
  void set_services(ShardServices* s) { services_ = s; }
  // Reports changes made to keys of this shard by a command that ran elsewhere (a scratch store)
  // to the observers, as the outcome of no command here.
  void report_changes(const std::vector<KeyChangeRecord>& changes);
  // Fires the keymiss events of spec/args (client database `db`), which is about to run
  // elsewhere on keys attached to `looked_in` (a scratch store's database): one per key it reads
  // and will not find there, as the outcome of no command here.
  void report_misses_elsewhere(const CommandSpec& spec, ArgList args, Db& looked_in);
  // Whether key additions must be reported (someone blocks on keys, or "new" events are on).
  void set_report_adds(bool on) { store_.set_report_adds(on); }

  const ExecStats& stats() const { return stats_; }
  // Start-up: what recovery replayed does not count as commands run or changes made.
  void reset_stats() { stats_ = ExecStats{}; }

  // DbObserver
  void key_expired(int db, std::string_view key) override;
  void key_added(int db, std::string_view key, ObjType type) override;
  // FlushListener
  void before_flush(int db, int swapped_with) override;

 private:
  void finish(const CommandSpec* spec, ArgList args, int db);
  // Shows the snapshot session what spec may write (key_idx: a part's keys, else its locks).
  void before_write(const CommandSpec& spec, ArgList args, int db,
                    const std::span<const uint32_t>* key_idx);
  // Keyspace "keymiss" events, one per key a command reads and will not find (Redis fires them
  // from its read lookups): every key of a read-only command, the read_keys of a write; only
  // while the 'm' class is on.
  bool wants_misses(const CommandSpec& spec) const;
  static std::vector<uint32_t> miss_candidates(const CommandSpec& spec, ArgList args);
  // Records into out one keymiss per key of key_idx that db does not hold.
  static void add_misses(Outcome& out, ArgList args, Db& db, std::span<const uint32_t> key_idx);

  ShardStore& store_;
  Outcome outcome_;
  Outcome expiry_outcome_;
  std::vector<OutcomeObserver*> observers_;
  ShardServices* services_ = nullptr;
  SnapshotSession* snapshot_ = nullptr;
  ExecStats stats_;
};

// Writes the merged reply of a fanned-out command: parts[i] belongs to the shard whose key
// indices are key_idx[i]; values are put back in argv order.
void merge_parts(const CommandSpec& spec, ArgList args,
                 std::span<const std::vector<uint32_t>> key_idx, std::span<PartResult> parts,
                 proto::ReplyBuilder& rb);

}  // namespace shardis::server
