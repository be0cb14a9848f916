#pragma once
// Router: the coordinator side of a command, on the shard holding the client connection. It
// validates a parsed command once against the command table (name, arity, argument check),
// finds its keys and their owners, and then:
//   * every key here: runs it to completion at once (no hop), unless a transaction holds or
//     awaits one of its keys (Admission), in which case it queues and its reply slot waits;
//   * every key on one other shard: sends it there as one request, keeping a reply slot in the
//     connection so that replies leave in request order;
//   * keys on several shards: one transaction (txn/txn.h): a fanned-out command (MGET, MSET,
//     DEL, DBSIZE, ...) runs its part on each owner under lock; any other multi-key command
//     (RENAME, SMOVE, SINTERSTORE, ...) gathers its keys under lock and runs in one place.
// When answers come back it fills the slot (merging the parts of a fanned-out command).
//
// Owner-side execution is the Executor's; flow control is FlowControl's.
//
// Thread: the shard's only.
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/fabric_link.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/registry.h>
#include <shardis/server/reply_listener.h>
#include <shardis/server/txn/admission.h>
#include <shardis/server/txn/fanout_batch.h>
#include <shardis/server/txn/txn.h>

#include <cstdint>
#include <vector>

namespace shardis::server {

class Router {
 public:
  Router(ShardCore& core, const Registry& registry, const ServerInfo& info, FabricLink& link,
         FlowControl& flow, Executor& executor, Admission& admission, Transactions& txns,
         ScratchRunner& scratch, ReplyListener& listener);

  // Runs or routes one command of c. Returns false, having done nothing, when the command needs
  // a credit to a shard that has none left: c then waits (FlowControl) and the same command is
  // offered again later.
  bool dispatch(Connection& c, ArgList args);

  // Starts the key fan-outs gathered this turn (FanoutBatch); once per loop turn, before the
  // fabric is flushed.
  void start_batch() { batch_.start(); }
  FanoutBatch& batch() { return batch_; }

  // A request of ours came back (Hop::kCommandDone).
  void complete(const Hop& hop);

  // Owner side of a request from another shard: runs it through the executor (once its locks
  // allow) and answers.
  void serve(uint32_t from, const Hop& hop);

 private:
  bool queue_or_run(Connection& c, const CommandSpec* spec, ArgList args);
  bool refused_in_pubsub(Connection& c, const CommandSpec& spec, ArgList args,
                         proto::ReplyBuilder& rb);
  // A refused EXEC (wrong arity): replies EXECABORT and drops the transaction; false for any
  // other command.
  bool refuse_exec(Connection& c, const CommandSpec* spec, std::string_view err,
                   proto::ReplyBuilder& rb);
  bool route(Connection& c, const CommandSpec& spec, ArgList args);
  bool route_key(Connection& c, const CommandSpec& spec, ArgList args);
  bool route_fanout(Connection& c, const CommandSpec& spec, ArgList args);
  // Runs a command whose keys are all here, now or once its locks allow.
  void run_local(Connection& c, const CommandSpec& spec, ArgList args);
  void run_connection(Connection& c, const CommandSpec& spec, ArgList args);
  RemoteCommand* new_remote(Connection& c, const CommandSpec& spec, ArgList args);
  bool start_migrate(Connection& c, const CommandSpec& spec, ArgList args);
  bool start_fanout(Connection& c, const CommandSpec& spec, ArgList args,
                    const std::vector<std::vector<uint32_t>>& by_shard);
  void serve_now(uint32_t from, const Hop& hop);

  ShardCore& core_;
  const Registry& registry_;
  const ServerInfo& info_;
  FabricLink& link_;
  FlowControl& flow_;
  Executor& executor_;
  Admission& admission_;
  Transactions& txns_;
  ScratchRunner& scratch_;
  ReplyListener& listener_;
  uint32_t self_;
  uint32_t n_;
  std::vector<std::vector<uint32_t>> scratch_by_shard_;
  FanoutBatch batch_;
};

// Checks a looked-up command (spec is nullptr when args[0] is unknown): existence, arity and
// arguments. On failure writes the error reply and returns false.
bool validate_command(const CommandSpec* spec, ArgList args, proto::ReplyBuilder& rb);

}  // namespace shardis::server
