#pragma once
// FanoutBatch: the key fan-outs (MGET, MSET, DEL, EXISTS, ...) and the simple EXECs (no WATCH,
// no command that must gather keys of several shards, keys on more than one shard) that one
// shard coordinates close together, run as one transaction.
//
// Why: a fan-out holds the locks of its keys on the lower shards for a round trip to the
// higher ones. When many clients want the same keys, each waits for the one before, and every
// request costs a round trip and a wake-up on both shards. Gathered into one transaction, the
// commands take their locks once, and each participant runs its share of all of them, in
// arrival order, in one step.
//
// Contract:
//   * Atomicity: the batch is one strict two-phase-locking transaction (txn/txn.h) over the
//     union of its members' keys; every participant runs the members' parts (and an EXEC's
//     commands, in queue order) in the order they joined. Each member is therefore atomic, and
//     the members run as if one after another.
//   * Client order: only a connection with nothing in flight (no hop, no transaction, no
//     blocked command) joins, so no earlier request of its own can be overtaken. A member is
//     paused (kPauseTxn) until the batch holds every lock, as a lone fan-out's connection is.
//   * Credits: the batch takes one credit per remote shard as it first involves it, and keeps
//     it until that participant released (Txn::credits_held). A command needing a credit that
//     is missing does not join: the open batch starts at once and the command waits for a
//     credit, as a lone fan-out would.
//   * When a batch starts: at the end of the loop turn (ShardCore::flush, before the fabric is
//     flushed), unless an earlier batch of this shard is still acquiring its locks. Then the
//     open batch keeps gathering, and starts at the end of the turn in which the earlier one
//     acquired: on contended keys it could only have queued behind it, and this way the
//     commands that arrive during one round trip share the next. A batch acquires in bounded
//     time (txn/txn.h: no cycle of waits), so the open one never waits for ever.
//   * Bounded: at most kMaxMembers commands and kMaxBytes of arguments per batch; a full batch
//     starts at once, whatever is acquiring.
//   * Lifetime: a member's connection is kept alive (hops_inflight) until its reply is written,
//     which happens once every lock is held; the batch never touches it afterwards.
//
// Thread: the coordinating shard's only.
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/txn/txn.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace shardis::server {

class FabricLink;
class FanoutBatch;
class FlowControl;
class ReplyListener;

// A planned EXEC that may join a batch (see exec_start): what its participants run at acquire
// time, with `cmd` indices into `cmds`.
struct ExecBlock {
  std::vector<TxnCommand> cmds;
  std::vector<proto::ReplyBuffer> replies;  // those answered when EXEC was planned, filled
  std::vector<bool> merged;                 // per command: a fan-out, merged from its parts
  std::vector<TxnParticipant> parts;        // ascending shard: lock items and actions
  int resp = 2;                             // EXEC's own reply
};

// The transaction of one batch: on_acquired merges and writes each member's reply, then
// releases every participant.
class BatchTxn final : public Txn {
 public:
  struct Member {
    Connection* conn = nullptr;
    ReplySlot* slot = nullptr;
    uint32_t first = 0;  // its commands: cmds[first, first + count)
    uint32_t count = 1;
    bool exec = false;  // an EXEC: the reply is the array of its commands' replies
    std::vector<proto::ReplyBuffer> replies;  // exec
    std::vector<bool> merged;                 // exec
    int resp = 2;                             // exec
  };
  BatchTxn(FlowControl& flow, ReplyListener& listener) : flow_(flow), listener_(listener) {}
  void on_acquired(Transactions& t) override;
  void on_finished(Transactions& t) override;
  std::vector<Member> members;  // in joining order
  FanoutBatch* batcher = nullptr;

 private:
  void reply_to(Member& m, std::vector<std::vector<std::vector<uint32_t>>>& keys,
                std::vector<std::vector<PartResult>>& results);
  // Hands the member its reply (written into its slot): at once, or, when the batch is logged,
  // once every participant has released (Transactions::reply).
  void deliver(Member& m);
  bool held_ = false;
  FlowControl& flow_;
  ReplyListener& listener_;
};

class FanoutBatch {
 public:
  static constexpr size_t kMaxMembers = 64;
  static constexpr size_t kMaxBytes = 256 * 1024;

  FanoutBatch(FabricLink& link, FlowControl& flow, Transactions& txns, ReplyListener& listener);

  // Whether c's key fan-out may join a batch at all (see the contract).
  static bool may_join(const Connection& c, const CommandSpec& spec);
  // Adds c's command (its key indices per owner shard in by_shard). Returns false, having done
  // nothing to c, when a credit it needs is missing.
  bool add(Connection& c, const CommandSpec& spec, ArgList args,
           const std::vector<std::vector<uint32_t>>& by_shard);
  // Whether an EXEC over these participants may join (may_join, and every credit it needs is
  // held by the open batch or free).
  bool may_join_exec(const Connection& c, const std::vector<TxnParticipant>& parts) const;
  // Adds c's EXEC (after may_join_exec said yes).
  void add_exec(Connection& c, ExecBlock&& block);
  // Starts the open batch, if any, unless an earlier one is still acquiring and `force` is not
  // set.
  void start(bool force = false);
  // A batch started here holds every lock.
  void acquired() { --acquiring_; }

 private:
  void open();
  // Takes a credit for every remote shard in `shards` the open batch holds none for.
  void take_credits(const std::vector<uint32_t>& shards);
  void joined(Connection& c, BatchTxn::Member&& m);

  FabricLink& link_;
  uint32_t self_;
  uint32_t n_;
  FlowControl& flow_;
  Transactions& txns_;
  ReplyListener& listener_;
  std::unique_ptr<BatchTxn> open_;
  // Per shard, in joining order: what the participant runs, and its lock items (views into the
  // open batch's commands, whose argument bytes stay put when the commands move).
  std::vector<std::vector<TxnAction>> actions_;
  std::vector<std::vector<LockItem>> items_;
  std::vector<bool> credit_;  // per shard: the open batch holds a credit
  size_t bytes_ = 0;
  uint32_t acquiring_ = 0;  // batches started here that do not hold every lock yet
};

}  // namespace shardis::server
