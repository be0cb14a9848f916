#pragma once
// ShardCore: everything one shard does except I/O. It owns the shard's slice of the keyspace
// (ShardStore), the one execution function (Executor), flow control, its end of the fabric, and
// the router that takes parsed commands from its connections. The Shard (io_uring loop) feeds it
// bytes and completions and sends what it writes into connections; tests drive it in-process.
//
// Thread: one, the shard's. Other shards reach it only through the fabric.
#include <shardis/base/clock.h>
#include <shardis/runtime/io_engine.h>
#include <shardis/server/blocking/blocking.h>
#include <shardis/server/connection.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/fabric.h>
#include <shardis/server/fabric_link.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/persist/aof_log.h>
#include <shardis/server/pubsub/pubsub.h>
#include <shardis/server/registry.h>
#include <shardis/server/route/router.h>
#include <shardis/server/shard_services.h>
#include <shardis/server/txn/admission.h>
#include <shardis/server/txn/lock_table.h>
#include <shardis/server/txn/txn.h>
#include <shardis/server/txn/watch_table.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

namespace shardis::server {

// What ShardCore asks of whoever does the I/O.
class ClientIo {
 public:
  virtual ~ClientIo() = default;
  // c.out may have bytes to send, or c (if closed) may have no work left away.
  virtual void output_ready(Connection& c) = 0;
  // The server closes c now (its unsent output is dropped), for `reason` (logged).
  virtual void close_client(Connection& c, const char* reason) = 0;
};

struct CoreOptions {
  FlowLimits flow;
  size_t incoming_budget = 1024;       // hops taken from each incoming ring per turn
  size_t expire_keys_per_turn = 1000;  // active expiry: keys reclaimed per turn at most
  int64_t expire_budget_us = 1000;     // active expiry: time spent per turn at most
  // bench/ok-server only: answer +OK to every parsed command without running it.
  bool reply_ok_only = false;
  uint32_t notify_flags = 0;  // notify-keyspace-events at start
  PersistSettings persist;    // dir, dbfilename, save, ... (every shard's store gets a copy)
};

class ShardCore final : public ReplyListener, public ScratchRunner, public ShardServices {
 public:
  // fabric may be null for a single in-process shard (tests); engine may be null then too.
  ShardCore(uint32_t id, Fabric* fabric, const Registry& registry, const ServerInfo& info,
            const base::Clock& clock, const CoreOptions& options, ClientIo& io,
            runtime::IoEngine* engine);
  ~ShardCore() override;

  // Completion tags of the AOF's operations (| shard id << 8): small numbers, no connection's.
  static constexpr uint64_t kAofWriteTag = 0x40;
  static constexpr uint64_t kAofSyncTag = 0x50;
  static constexpr uint64_t kAofBgSyncTag = 0x60;

  uint32_t id() const { return id_; }
  ShardStore& store() { return store_; }
  Executor& executor() { return executor_; }
  FlowControl& flow() { return flow_; }
  FabricLink& link() { return link_; }
  // The shard's append-only-file writer (enabled once recovery opened its segment).
  AofLog& aof() { return aof_; }
  // Logging starts: aof() is open; transaction ids continue above first_txn_id.
  void start_logging(uint64_t first_txn_id);

  // ---- Connections ----
  // A new client id. Ids are unique across shards and name their shard: client_shard(id).
  uint64_t new_client_id() { return ++client_seq_ * shards() + id_ + 1; }
  static uint32_t client_shard(uint64_t id, uint32_t shards) {
    return static_cast<uint32_t>((id - 1) % shards);
  }
  void add_client(Connection& c);
  // The connection is closing: nothing more is parsed or delivered to it.
  void remove_client(Connection& c);
  // Parses and runs c's unparsed input until it runs out, or c must stop (FlowControl).
  void process_input(Connection& c);
  // Runs one parsed command of c as if read from its socket (in-process tests). Returns false
  // when it needs a credit that is not there (never with one shard).
  bool run_command(Connection& c, ArgList args) { return router_.dispatch(c, args); }
  // A message the server starts itself, for the client `client_id` of shard `shard`: delivered
  // here at once, or pushed over the fabric.
  void post(uint32_t shard, uint64_t client_id, std::string_view bytes);
  // Applies msg on shard `shard`: here at once, or there when it drains its push ring.
  void push_to(uint32_t shard, std::unique_ptr<PushMessage> msg);
  // The connection of client id on this shard, or nullptr.
  Connection* client(uint64_t id) const;
  const Registry& registry() const { return registry_; }
  const ServerInfo& info() const override { return info_; }
  uint32_t shards() const { return link_.shards(); }
  ScratchRunner& scratch() { return *this; }
  WatchTable& watches() { return watches_; }

  // ---- The loop turn ----
  // Takes hops from the incoming rings (bounded); true if some were left for a later turn.
  bool poll_fabric();
  // Once per turn: active expiry and bounded maintenance; true if expired keys were left.
  bool maintain();
  // Publishes this turn's hops and submits the AOF's records; connections held back by the push
  // or AOF backlog go on once both drained below half their limits.
  void flush();
  // The push backlog or the AOF's unwritten records are over their limits: clients wait.
  bool output_backlogged() const {
    return link_.push_backlog() > FabricLink::kPushBacklogLimit ||
           aof_.backlog_bytes() > AofLog::kBacklogLimit;
  }
  // Pushes waiting for room in a peer's ring: while any wait, the loop must wake to retry.
  bool push_backlog() const { return link_.push_backlog() > 0; }
  bool incoming_nonempty() { return link_.incoming_nonempty(); }
  // Milliseconds until the next timed event (key expiry, an AOF fsync), or -1.
  int next_timeout_ms(int idle_cap_ms) const;
  // Nothing of ours is still away on another shard.
  bool quiet() const { return link_.outstanding() == 0 && txns_.active() == 0; }
  // After each event that may have run commands: grants of released locks, then blocked
  // clients whose keys became ready.
  void settle() {
    locks_.run_granted();
    blocking_.serve_ready();
  }

  LockTable& locks() { return locks_; }
  Transactions& txns() { return txns_; }
  FanoutBatch& batch() { return router_.batch(); }

  // ReplyListener. on_output also notes that c's new output may depend on this shard's AOF
  // records not yet durable (Connection::durable_seq).
  void on_output(Connection& c) override;
  void on_remote_output(Connection& c) override;
  // ScratchRunner
  bool run_scratch(const TxnCommand& cmd, std::vector<DetachedKey>& keys, proto::ReplyBuffer& reply,
                   std::vector<KeyChangeRecord>& changes, ExecOptions opts = {}) override;

  // ShardServices
  Blocking& blocking() override { return blocking_; }
  PubSub& pubsub() override { return pubsub_; }
  void on_notify_flags_changed() override;
  uint32_t notify_flags() const override;
  int64_t connected_clients() const override { return static_cast<int64_t>(clients_.size()); }
  int64_t blocked_clients() const override;
  const PersistSettings& persist_settings() const override { return store_.persist(); }
  // Commands run on the scratch store (keys of several shards) see the same settings.
  void on_persist_settings_changed() override {
    scratch_store_.persist() = store_.persist();
    aof_.set_fsync(store_.persist().appendfsync);
  }
  uint64_t dirty() const override { return executor_.stats().dirty; }
  AofStatus aof_status() const override {
    return {aof_.enabled(), aof_.last_write_ok(), static_cast<int64_t>(aof_.size()),
            static_cast<int64_t>(aof_.backlog_bytes())};
  }

  Admission& admission() { return admission_; }
  // Whether keyspace "new" events are wanted (key additions must then be reported).
  bool wants_new_events() const { return (pubsub_.notify_flags() & kNotifyNew) != 0; }
  // Closes c for the server (pubsub output limit, CLIENT KILL).
  void close_client(Connection& c, const char* reason) { io_.close_client(c, reason); }
  // Starts an attempt to serve the first pending offer of blocked connection c (multi-owner),
  // or leaves it for a later turn when a credit is missing.
  void try_block_attempt(Connection& c);
  // Runs a command on this shard as its owner, for client (origin shard, id): the one place
  // where a blocking command that finds nothing starts to wait here. Returns the wait id (0:
  // it did not block; the reply is in rb).
  uint64_t run_owned(const CommandSpec& spec, ArgList args, int db, int resp, uint64_t client,
                     uint32_t origin, bool may_block, proto::ReplyBuilder& rb);
  // The coordinator side of a command that blocked on its owner: c waits, its reply in slot.
  // When c has closed meanwhile, the wait is ended at once, as for a disconnection.
  void block_client(Connection& c, ReplySlot* slot, const CommandSpec& spec, ArgList args,
                    uint64_t wait_id, uint32_t owner);

 private:
  void on_hop(uint32_t from, const Hop& hop);
  void serve_request(uint32_t from, const Hop& hop);
  void deliver_push(const Hop& hop);

  uint32_t id_;
  const Registry& registry_;
  const ServerInfo& info_;
  CoreOptions opts_;
  ClientIo& io_;
  ShardStore store_;
  Executor executor_;
  AofLog aof_;
  FlowControl flow_;
  FabricLink link_;
  LockTable locks_;
  Admission admission_;
  WatchTable watches_;
  Blocking blocking_;
  PubSub pubsub_;
  std::vector<uint64_t> attempt_retry_;  // client ids whose offer waits for a credit
  // Where commands over keys of several shards run (MigrateTxn); empty between two of them.
  ShardStore scratch_store_;
  Executor scratch_exec_;
  Transactions txns_;
  Router router_;
  std::unordered_map<uint64_t, Connection*> clients_;
  std::vector<Connection*> push_waiters_;  // paused with Connection::kPausePushRoom
  uint64_t client_seq_ = 0;
};

}  // namespace shardis::server
