#pragma once
// Multi-shard transactions: the coordinator side (on the shard holding the client connection)
// and the participant side (on each shard owning some of the keys).
//
// The scheme is strict two-phase locking with ordered acquisition:
//   1. Acquire. The coordinator visits the participants in ascending shard order. Each one takes
//      its locks in its LockTable (keys, or the whole shard) and, once it holds them, runs the
//      step's actions and answers. Only then does the coordinator go to the next participant.
//   2. Body. With every lock held, the coordinator may send further steps (run commands, attach
//      keys back) to any participant.
//   3. Release. Each participant runs the last step's actions and drops its locks. The
//      participant acquired last may release at once when the transaction has nothing more to
//      do there (a fanned-out MGET or MSET needs one message per shard).
//
// Why no cycle of waits can form (see also docs/transactions.md):
//   * Within one shard, LockTable queues are FIFO and a request enters all its queues at one
//     instant, so two requests meet in the same order everywhere.
//   * Across shards, a transaction waiting at shard s holds locks only on shards below s, and
//     asks for nothing below s again. A waits-for edge therefore always points to a holder on
//     the same shard, which itself waits only at a higher shard or not at all: chains climb
//     and end.
//   * Ring space is never waited for: a transaction reserves one credit per remote participant
//     before it starts and keeps it until that participant has released (one message in flight
//     per participant and direction), and a credit wait only stops the connection's parsing.
//
// Ownership: the coordinator allocates the Txn and frees it when every participant has
// released. A participant touches only its own TxnParticipant, and only while a step of it is
// in flight (or while its lock request sits in its LockTable, through `lock`, which the
// coordinator never touches). Ring release/acquire orders those writes.
//
// Thread: each side runs on its own shard's thread.
#include <shardis/proto/reply_buffer.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/db.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/hop.h>
#include <shardis/server/persist/aof_log.h>
#include <shardis/server/txn/lock_table.h>
#include <shardis/server/txn/txn_command.h>
#include <shardis/server/txn/watch_table.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace shardis::server {

class Txn;

// A watched key, as WATCH and EXEC hand it to its owner.
struct WatchItem {
  int db = 0;
  std::string key;
  WatchStamp stamp;  // kWatch: filled by the owner; kWatchCheck: what WATCH got
};

// One thing a participant does with its locks held.
struct TxnAction {
  enum Kind : uint8_t {
    kRun,         // run cmds[cmd] whole; reply into `reply`
    kPart,        // run this shard's part of cmds[cmd] (key_idx); result into `part`
    kDetach,      // take `keys` out of the Db into `detached`
    kAttach,      // put `detached` back, then apply `changes` (WATCH, notifications)
    kWatch,       // register `watch` and stamp each
    kWatchCheck,  // dirty = some key of `watch` changed since stamped; if so the participant
                  // skips the kRun and kPart actions after it in this step
    kUnwatch,     // drop the watches of `watch`
    kAddWaiter,   // cmds[cmd] blocks: wait (multi-owner) on its keys key_idx of this shard
    kUnblock,     // CLIENT UNBLOCK: end the wait of client `wait_id` here; dirty = it was blocked
  };
  Kind kind = kRun;
  uint32_t cmd = 0;
  std::vector<uint32_t> key_idx;                  // kPart
  std::vector<std::pair<int, std::string>> keys;  // kDetach: (db, key)
  proto::ReplyBuffer reply;                       // kRun
  PartResult part;                                // kPart
  std::vector<DetachedKey> detached;              // kDetach out, kAttach in
  std::vector<KeyChangeRecord> changes;           // kAttach
  std::vector<WatchItem> watch;                   // kWatch, kWatchCheck, kUnwatch
  bool dirty = false;                             // kWatchCheck, kUnblock
  uint64_t wait_id = 0;                           // kAddWaiter; kUnblock: the client id
  uint32_t origin = 0;                            // kAddWaiter: the coordinator
  bool unblock_error = false;                     // kUnblock
};

// The participant's lock request: lives in the Txn, touched by the participant's shard only.
class Transactions;
class TxnLock final : public LockRequest {
 public:
  void on_granted() override;
  // Who resumes when the lock is granted: participant `part` of `txn`, for coordinator `from`.
  Transactions* owner = nullptr;
  Txn* txn = nullptr;
  uint32_t part = 0;
  uint32_t from = 0;
};

struct TxnParticipant {
  enum class Step : uint8_t { kAcquire, kRun, kRelease };
  uint32_t shard = 0;
  Step step = Step::kAcquire;
  bool release_after = false;  // kAcquire: release as soon as the actions ran
  std::vector<TxnAction> actions;
  TxnLock lock;  // participant side
  TxnLog log;    // participant side: what it wrote, logged as one record when it releases
  // Coordinator side.
  bool acquired = false;
  bool released = false;
  bool in_flight = false;
  bool remote_started = false;  // a first request went out (the credit is in use)
};

}  // namespace shardis::server

namespace shardis::server {

class Transactions;

// A transaction, as its coordinator drives it. Subclasses say what happens once every lock is
// held (on_acquired) and after each body step (on_step_done).
class Txn {
 public:
  virtual ~Txn() = default;

  // Every participant holds its locks and ran its acquire actions.
  virtual void on_acquired(Transactions& t) = 0;
  // Every participant released; the transaction is freed next.
  virtual void on_finished(Transactions& t) { (void)t; }
  // A body step (Step::kRun) of participant `part` came back.
  virtual void on_step_done(Transactions& t, uint32_t part) {
    (void)t;
    (void)part;
  }

  Connection* conn = nullptr;  // nullptr when started for no client
  ReplySlot* slot = nullptr;
  int resp = 2;
  uint64_t client = 0;  // lock order
  std::vector<TxnCommand> cmds;
  std::vector<TxnParticipant> parts;  // ascending shard
  // Set by Transactions::start: unique over restarts (AofLog records carry it), and whether
  // some command may write, in which case every participant logs a record when it releases.
  uint64_t id = 0;
  bool logs = false;

  // The coordinator took a credit for every remote participant before start (FanoutBatch).
  bool credits_held = false;

  // Coordinator state.
  uint32_t next_acquire = 0;
  uint32_t body_steps = 0;  // body steps in flight
  bool replied = false;
  bool reply_held = false;  // the reply waits in slot until every participant released
  bool all_acquired = false;
  bool in_acquire_loop = false;
  uint32_t depth = 0;  // coordinator frames running for this transaction (defers freeing it)
};

// Runs a command on a private scratch store into which the keys it needs were attached: how a
// command whose keys live on several shards runs in one place (see MigrateTxn). Implemented by
// ShardCore.
class ScratchRunner {
 public:
  virtual ~ScratchRunner() = default;
  // Attaches `keys`, runs cmd with opts, writes its reply, and detaches every key named in
  // `keys` again (their new values, or absent) into `keys`; what the command changed goes to
  // `changes`. Returns false when the command blocked (no reply written).
  virtual bool run_scratch(const TxnCommand& cmd, std::vector<DetachedKey>& keys,
                           proto::ReplyBuffer& reply, std::vector<KeyChangeRecord>& changes,
                           ExecOptions opts = {}) = 0;
};

class Blocking;
class Executor;
class FabricLink;
class FlowControl;
class LockTable;
class ReplyListener;

// Both sides of transactions on one shard.
class Transactions {
 public:
  Transactions(FabricLink& link, FlowControl& flow, LockTable& locks, Executor& executor,
               WatchTable& watches, Blocking& blocking, ScratchRunner& scratch,
               ReplyListener& listener);
  ~Transactions();

  uint32_t self() const;

  // ---- Coordinator ----
  // Starts t (its participants and their acquire actions set). Returns false, having done
  // nothing, when a remote participant has no credit left: the caller waits for one.
  bool start(std::unique_ptr<Txn> t);
  // Sends each participant of `parts` a body step with the actions the caller set on it. A
  // local participant may finish at once; on_step_done runs only once every step of this call
  // is counted, so a body sees body_steps reach 0 only when all of them came back.
  void step(Txn& t, std::span<const uint32_t> parts);
  // Releases every participant still holding locks; `attach` (optional) gives each its last
  // actions. The transaction is freed once all have released.
  void release_all(Txn& t);
  // Writes the transaction's reply into its connection slot (once).
  void reply(Txn& t, proto::ReplyBuffer&& bytes);
  // A response came back (kTxnStepDone / kTxnDone).
  void on_response(const Hop& hop);

  // ---- Participant ----
  // A step request came from shard `from`.
  void on_request(uint32_t from, const Hop& hop);

  // Transactions coordinated here that have not finished.
  size_t active() const { return active_; }
  // Participants log what they write to aof (not null once the shard logs). Transaction ids
  // continue above first_id (recovery's largest, so that no id repeats over restarts).
  void set_aof(AofLog* aof, uint64_t first_id) {
    aof_ = aof;
    next_id_ = std::max(next_id_, first_id);
  }
  // Whether t's participants log a record (the reply then waits until all released).
  bool logging(const Txn& t) const { return aof_ != nullptr && t.logs; }
  // Ids carry the coordinator's shard in their low bits.
  static constexpr int kIdShardBits = 10;

 private:
  void send(Txn& t, uint32_t part);
  void acquire_next(Txn& t);
  void participant_done(Txn& t, uint32_t part);
  // Participant side: runs the step of t.parts[part]; `from` is the coordinator's shard.
  void run_step(Txn& t, uint32_t part, uint32_t from);
  friend class TxnLock;
  void after_lock(Txn& t, uint32_t part, uint32_t from);
  void run_actions(Txn& t, TxnParticipant& p);
  void log_release(Txn& t, TxnParticipant& p);
  void finish_if_done(Txn& t);

  FabricLink& link_;
  FlowControl& flow_;
  LockTable& locks_;
  Executor& executor_;
  WatchTable& watches_;
  Blocking& blocking_;
  ScratchRunner& scratch_;
  ReplyListener& listener_;
  size_t active_ = 0;
  AofLog* aof_ = nullptr;
  uint64_t next_id_ = 1;
};

// A command fanned out to several shards (MGET, MSET, DEL, EXISTS, DBSIZE, FLUSHALL, ...) as
// one transaction: each participant runs its part when its locks are held; the reply is merged
// once every part is in.
class FanoutTxn final : public Txn {
 public:
  void on_acquired(Transactions& t) override;
};

// A command whose keys live on several shards (RENAME, SMOVE, SINTERSTORE, ...): every
// participant detaches its keys under lock, the coordinator runs the command on them in its
// scratch store, and every participant attaches the results back as it releases.
//
// Blocking commands: with opts.may_block, a command that finds nothing registers a multi-owner
// waiter on the owners of its waited keys (in the same release step, so no push is missed) and
// the connection blocks. An attempt (serving an offer) runs with opts.serve_key, writes its reply
// into the blocked connection's slot when it served, and reports to Blocking either way.
class MigrateTxn final : public Txn {
 public:
  void on_acquired(Transactions& t) override;
  ScratchRunner* scratch = nullptr;
  Blocking* blocking = nullptr;
  ExecOptions opts;
  bool attempt = false;
  uint64_t wait_id = 0;       // attempt: the wait it serves
  uint32_t offered_from = 0;  // attempt: the shard that offered
  int64_t deadline_ms = 0;    // blocking: when the wait times out (0: never)
};

// The transaction running spec/args (client db, resp) on keys of several shards: one participant
// per owner, in shard order, each detaching its keys (in the databases they name).
std::unique_ptr<MigrateTxn> make_migrate_txn(const CommandSpec& spec, ArgList args, int db,
                                             int resp, uint64_t client, uint32_t shards);

}  // namespace shardis::server
