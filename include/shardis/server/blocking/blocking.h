#pragma once
// Blocking: clients waiting in BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX and
// BZMPOP, with Redis 7.0's semantics. Both sides live here, one instance per shard.
//
// Owner side (the shard owning a waited key): per key, the waiters in arrival order. When a
// key is added (DbObserver: a push into a missing list, a ZADD to a missing zset, a transaction
// attaching one), the key becomes ready; ready keys that no transaction holds are served at the
// end of the command (or when the transaction releases them), first come first served:
//   * a single-owner waiter (every key of its command, the BLMOVE destination included, lives
//     here) is served here at once: its command runs again through the executor in serve mode
//     on the ready key, and the reply goes to the client's shard as a push (WakeMessage). This
//     owner is the only one that can end the wait: a timeout, CLIENT UNBLOCK or a disconnect on
//     the client's shard asks it to (CancelMessage), and it answers with the wake-up, either the
//     served element or the timeout reply; whichever happens first wins, so an element is never
//     lost or delivered twice.
//   * a multi-owner waiter (its keys span shards) is offered to the client's shard
//     (OfferMessage), which is then the only one that may serve it: it runs the command again as
//     a transaction over all its keys, in serve mode on the offered key. Until that attempt
//     resolves (OfferDoneMessage, or the waiter is dropped), later waiters of the key wait too.
//     Between the offer and the attempt another client may take the element; the waiter then
//     stays blocked.
//
// Coordinator side (the shard holding the blocked connection): the connection's BlockedState,
// its reply slot, and its deadline in a timer heap.
//
// Flow control: a blocked client holds no fabric credit; every message here is a push. A
// connection is not freed while a wake-up for it may still come (hops_inflight).
//
// Thread: the owning shard's only.
#include <shardis/base/fifo.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/txn/lock_table.h>
#include <shardis/server/txn/txn_command.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace shardis::server {

class ShardCore;

// A wait whose keys span shards (multi): served through offers, by attempts that run the
// command as a transaction.
struct MultiWait {
  std::vector<uint32_t> owners;  // shards that hold its waiters
  TxnCommand cmd;                // what an attempt runs
  bool attempt_in_flight = false;
  std::vector<std::pair<uint32_t, uint32_t>> offers;  // (shard, argv of the ready key)
  // An end requested while an attempt was running: applied when it finishes.
  enum class End : uint8_t { kNone, kTimeout, kError, kGone } pending_end = End::kNone;
};

// A blocked connection, on its own shard. A wait on one shard's keys (single-owner, the common
// case) keeps only this; a multi wait also has its MultiWait.
struct BlockedState {
  uint64_t wait_id = 0;
  ReplySlot* slot = nullptr;
  int64_t deadline_ms = 0;  // 0: waits for ever
  int resp = 2;
  uint32_t owner = 0;                // single-owner: the shard that holds its waiter
  bool cancel_sent = false;          // single-owner: the owner was asked to end the wait
  std::unique_ptr<MultiWait> multi;  // set for a multi wait
};

// How a wait ends other than by being served.
enum class WaitEnd : uint8_t { kTimeout, kError, kGone };

class Blocking final : public OutcomeObserver {
 public:
  explicit Blocking(ShardCore& core);
  ~Blocking() override;

  // ---- Owner side ----
  // A blocking command of client (origin, client) found nothing: waits on its keys here.
  // cmd is the command (arguments copied), wait_argv the argv indices of the keys waited on
  // that this shard owns. Returns the wait id (the coordinator's, for multi waiters).
  void add_waiter(uint64_t wait_id, uint32_t origin, uint64_t client, bool multi,
                  const TxnCommand& cmd, const std::vector<uint32_t>& wait_argv);
  // Serves ready keys whose locks allow it (bounded by the waiters present).
  void serve_ready();
  // Ends a single-owner wait (timeout, unblock, disconnect); answers with the wake-up.
  void cancel(uint64_t wait_id, WaitEnd how);
  // Drops a multi waiter (served elsewhere, ended by its coordinator).
  void drop(uint64_t wait_id);
  // The offer of (wait_id) on a key was not taken: later waiters may go on.
  void offer_done(uint64_t wait_id);
  size_t waiters() const { return waiters_.size(); }
  bool has_waiters() const { return !waiters_.empty(); }

  // ---- Coordinator side ----
  uint32_t shards() const;
  // A new wait id, unique across shards.
  uint64_t new_wait_id();
  // c's command blocked: its reply waits in slot (already pending) until a wake-up. c is
  // paused; hops_inflight counts the wait.
  void block(Connection& c, ReplySlot* slot, std::unique_ptr<BlockedState> st);
  // A single-owner wake-up arrived: the reply of c's blocked command.
  void on_wake(uint64_t client, uint64_t wait_id, std::string_view bytes);
  // A multi waiter's key is ready on `from`.
  void on_offer(uint64_t client, uint64_t wait_id, uint32_t from, uint32_t serve_argv);
  // An attempt started by on_offer finished (served: its reply was written into the slot).
  void on_attempt_done(Connection* c, uint64_t wait_id, uint32_t offered_from, bool served);
  // CLIENT UNBLOCK on a connection of this shard: true if it was blocked.
  bool unblock(Connection& c, bool error);
  // The same, by client id (on this shard).
  bool unblock_client(uint64_t client, bool error);
  // The connection is closing.
  void on_disconnect(Connection& c);
  // Deadlines: milliseconds to the next (-1: none), and timing out those that passed.
  int64_t next_deadline() const;
  void expire_deadlines(int64_t now_ms);
  size_t blocked_clients() const { return blocked_; }

  // OutcomeObserver: keys added become ready.
  void on_outcome(const CommandSpec*, ArgList, int, const Outcome&) override {}
  void on_key_added(int db, std::string_view key, ObjType type) override;

 private:
  // One wait on this shard. Held by value in waiters_ (node-based: its address is stable, and
  // by_key_ points to it). The keys it waits on are cmd.args[argv[i]] in db cmd.db.
  struct Waiter {
    uint64_t wait_id = 0;
    uint64_t client = 0;
    uint32_t origin = 0;
    bool multi = false;
    bool offered = false;
    TxnCommand cmd;
    std::vector<uint32_t> argv;  // argv indices of the keys waited on here, distinct keys
    std::string name(size_t i) const { return name_of(cmd.db, cmd.args[argv[i]]); }
    size_t index_of(const std::string& name) const;  // the i whose name(i) is name
  };
  static std::string name_of(int db, std::string_view key);
  void unlink(Waiter& w);
  void end(Connection& c, WaitEnd how);
  void finish(Connection& c, std::string_view bytes);
  void send_wake(const Waiter& w, std::string bytes);
  std::string end_reply(int resp, WaitEnd how) const;
  bool serve_key(const std::string& name);

  ShardCore& core_;
  uint64_t wait_seq_ = 0;
  std::unordered_map<uint64_t, Waiter> waiters_;
  std::unordered_map<std::string, base::Fifo<Waiter*>> by_key_;  // first come, first served
  std::vector<std::string> ready_;
  std::unordered_set<std::string> ready_set_;
  std::vector<std::string> deferred_;  // ready but locked: retried later
  // Coordinator side.
  struct Deadline {
    int64_t at;
    uint64_t client;
    uint64_t wait_id;
    bool operator>(const Deadline& o) const { return at > o.at; }
  };
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::unordered_map<uint64_t, Connection*> blocked_conns_;  // by wait id
  size_t blocked_ = 0;
  bool serving_ = false;
};

}  // namespace shardis::server
