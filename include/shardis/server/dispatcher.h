#pragma once
// Dispatcher: the step between the parser and the handlers, on one shard. It checks a command
// against the table (name, arity, argument check), finds its keys, and either runs it here to
// completion (every key local: no hop) or sends it to the owning shards as Hops, keeping a
// reply slot in the connection so replies leave in request order.
//
// Thread: one per shard, used only by that shard's thread. Hops are queued during the turn
// and published once per loop turn by flush() ("hops are batched per pipeline").
#include <shardis/runtime/io_engine.h>
#include <shardis/server/command.h>
#include <shardis/server/connection.h>
#include <shardis/server/fabric.h>
#include <shardis/server/registry.h>

#include <cstdint>
#include <vector>

namespace shardis::server {

// Implemented by the shard: told when a remote reply has reached a connection.
class ReplyListener {
 public:
  virtual ~ReplyListener() = default;
  // c.hops_inflight was decremented and completed replies were moved to c.out.
  virtual void on_remote_reply(Connection& c) = 0;
};

class Dispatcher {
 public:
  static constexpr uint64_t kWakeTag = 0x20;

  Dispatcher(uint32_t self, Fabric& fabric, const Registry& registry, const ServerInfo& info,
             ShardStore& store, runtime::IoEngine& engine, ReplyListener& listener);

  // Runs or routes one command of c. Returns false, having done nothing, when the command needs
  // credits to a shard that has none left; the caller retries the same command later.
  bool dispatch(Connection& c, ArgList args);

  // Executes requests from other shards and completes returning responses, at most budget
  // items per incoming ring. Returns true if items were left for a later turn.
  bool drain_incoming(size_t budget);
  // Publishes everything queued this turn and wakes the shards that were going to sleep.
  void flush();
  // Consumer-side check used before sleeping.
  bool incoming_nonempty();
  // True once since the last call if any credit came back (stalled connections may go on).
  bool take_credit_event() {
    bool e = credit_event_;
    credit_event_ = false;
    return e;
  }
  // Requests this shard has sent and not yet seen answered.
  uint64_t hops_outstanding() const { return outstanding_; }

 private:
  void run_local(Connection& c, const CommandSpec& spec, ArgList args);
  bool route_key(Connection& c, const CommandSpec& spec, ArgList args);
  bool route_fanout(Connection& c, const CommandSpec& spec, ArgList args);
  void send(uint32_t target, const Hop& hop);
  void execute_request(uint32_t from, const Hop& hop);
  void complete_response(const Hop& hop);

  uint32_t self_;
  uint32_t n_;
  Fabric& fabric_;
  const Registry& registry_;
  const ServerInfo& info_;
  ShardStore& store_;
  runtime::IoEngine& engine_;
  ReplyListener& listener_;
  std::vector<uint32_t> credits_;  // per target shard
  std::vector<std::vector<uint32_t>> scratch_by_shard_;
  std::vector<bool> published_;
  bool credit_event_ = false;
  uint64_t outstanding_ = 0;
};

}  // namespace shardis::server
