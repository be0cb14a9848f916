#pragma once
// AofLog: one shard's append-only-file writer. It observes every outcome of the shard's
// executor and appends the commands that changed something, in their propagated form, as
// records of persist/aof_format.h to the shard's segment. Nothing else writes that segment.
//
// Records
//   * A command run whole on this shard: one record (transaction id 0, one participant).
//   * A part of a fanned-out command (MSET, DEL over several shards): only this shard's keys,
//     e.g. "MSET k1 v1" of "MSET k1 v1 k2 v2".
//   * A transaction participant (EXEC, fanned-out or migrated commands): while its actions run,
//     its outcomes are captured into its TxnLog; at release the participant appends one record
//     with the transaction's id and participant count, even with no command in it, so that
//     recovery can tell a transaction whose every part is on disk.
//   * Keys that a command changed on a scratch store (keys of several shards in one place) are
//     logged by their owner as the resulting state: RESTORE key <abs ms> <payload> REPLACE
//     ABSTTL, or DEL when the key is gone.
//   * A key that expires: DEL, as Redis propagates it.
//
// Writing. Records of one loop turn collect in a buffer; flush() (once per turn) submits them
// as one io_uring write at the end of the segment, and at most one write is in flight: records
// appended meanwhile wait for the next. Then, by appendfsync:
//   always    the write is linked to an fdatasync. appended() counts records, synced() how
//             many are on stable storage; replies and outgoing hops produced while
//             appended() > synced() are held until synced() passes the count they saw
//             (Shard::submit_sends, FabricLink), so nothing is acknowledged before it is durable.
//   everysec  an fdatasync is submitted on its own at most once a second; nothing waits for it.
//   no        writes only.
// A buffer over kBacklogLimit makes the shard stop reading clients (ShardCore), so that a slow
// disk slows writers instead of growing memory. A failed write is logged and retried; with
// always, nothing is acknowledged meanwhile.
//
// Thread: the owning shard's only.
#include <shardis/runtime/io_engine.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/persist/persist_settings.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace shardis::server {

struct DetachedKey;

// One transaction participant's commands, captured until it releases.
struct TxnLog {
  std::string commands;  // encoded by persist::append_aof_command
  uint64_t count = 0;
};

class AofLog final : public OutcomeObserver {
 public:
  static constexpr size_t kBacklogLimit = size_t{64} << 20;
  static constexpr size_t kMaxWrite = size_t{16} << 20;

  AofLog(uint32_t shard, uint32_t shards);
  ~AofLog() override;
  AofLog(const AofLog&) = delete;
  AofLog& operator=(const AofLog&) = delete;

  // Starts logging to the segment `path` (open, positioned at its end: `size` bytes). The engine
  // completes writes with write_tag and fdatasyncs with sync_tag / bg_sync_tag.
  bool open(const std::string& path, uint64_t size, std::string* error);
  void set_engine(runtime::IoEngine* engine, uint64_t write_tag, uint64_t sync_tag,
                  uint64_t bg_sync_tag);
  bool enabled() const { return fd_ >= 0; }
  void set_fsync(PersistSettings::Fsync f) { fsync_ = f; }
  PersistSettings::Fsync fsync() const { return fsync_; }
  const std::string& path() const { return path_; }

  // OutcomeObserver
  void on_outcome(const CommandSpec* spec, ArgList args, int db, const Outcome& out) override;

  // While set, outcomes go into log instead of records of their own (a transaction
  // participant's actions). nullptr ends the capture.
  void capture(TxnLog* log) { capture_ = log; }
  // Keys put back after a command ran on a scratch store: changed_keys (before they are
  // attached) names those of `keys` that `changes` says were changed; capture_state (after)
  // logs each one's resulting state (RESTORE ... ABSTTL, or DEL).
  using KeyRef = std::pair<int, std::string>;
  static std::vector<KeyRef> changed_keys(std::span<const DetachedKey> keys,
                                          const std::vector<KeyChangeRecord>& changes);
  void capture_state(ShardStore& store, const std::vector<KeyRef>& keys);
  // Appends a participant's record.
  void commit(TxnLog& log, uint64_t txn_id, uint16_t participants);

  // ---- The loop turn ----
  // Submits the records of this turn (or an fsync that is due). now_ms: a monotonic clock.
  void flush(int64_t now_ms);
  bool owns_tag(uint64_t tag) const {
    return enabled() && (tag == write_tag_ || tag == sync_tag_ || tag == bg_sync_tag_);
  }
  // A completion of ours; true when synced() advanced.
  bool on_completion(uint64_t tag, int res, int64_t now_ms);
  // Milliseconds until flush() has something due (an everysec fsync, a retry), or -1.
  int next_timeout_ms(int64_t now_ms) const;

  uint64_t appended() const { return appended_; }
  uint64_t synced() const { return synced_; }
  // What held output may go up to: synced() under always; under another policy (changed at
  // run time) nothing is held any more.
  uint64_t released() const {
    return fsync_ == PersistSettings::Fsync::kAlways ? synced_ : appended_;
  }
  // Output made now depends on records not yet durable: hold it (appendfsync always only).
  bool holding() const { return fsync_ == PersistSettings::Fsync::kAlways && appended_ > synced_; }
  size_t backlog_bytes() const { return buf_.size(); }
  // Nothing waits to be written and nothing is in flight.
  bool idle() const { return !enabled() || (buf_.empty() && !writing_ && !bg_syncing_); }
  // At shutdown, on the shard's thread after its loop ended: writes what is left and fsyncs,
  // blocking. false with *error on an I/O failure.
  bool close(std::string* error);

  // INFO persistence.
  bool last_write_ok() const { return last_write_ok_; }
  uint64_t size() const { return written_; }

  // Recovery replays records through the executor: nothing is logged meanwhile.
  void set_replaying(bool on) { replaying_ = on; }

 private:
  void add_command(int db, std::span<const std::string_view> argv);
  void end_record();
  void issue();
  void failed(const char* what, int err, int64_t now_ms);

  uint32_t shard_;
  uint32_t shards_;
  int fd_ = -1;
  std::string path_;
  PersistSettings::Fsync fsync_ = PersistSettings::Fsync::kEverysec;
  runtime::IoEngine* engine_ = nullptr;
  uint64_t write_tag_ = 0;
  uint64_t sync_tag_ = 0;
  uint64_t bg_sync_tag_ = 0;
  TxnLog* capture_ = nullptr;
  bool replaying_ = false;

  std::string buf_;          // records not yet submitted
  std::string out_;          // the write in flight
  size_t out_done_ = 0;      // of out_, bytes the kernel took
  bool writing_ = false;     // a write (with its linked fdatasync, for always) is in flight
  bool linked_ = false;      // the write in flight has an fdatasync behind it
  bool bg_syncing_ = false;  // an everysec fdatasync is in flight
  uint64_t out_seq_ = 0;     // appended_ when out_ was taken
  uint64_t written_ = 0;     // segment size
  uint64_t unsynced_bytes_ = 0;
  int64_t last_sync_ms_ = 0;
  int64_t retry_at_ms_ = 0;
  int64_t last_error_log_ms_ = 0;
  bool last_write_ok_ = true;

  uint64_t appended_ = 0;
  uint64_t synced_ = 0;

  std::string cmd_;  // one record's commands being built
  uint64_t cmd_count_ = 0;
  std::vector<std::string_view> argv_;  // a part's or a rewritten command's arguments
};

}  // namespace shardis::server
