#pragma once
// Router: the coordinator side of a command, on the shard holding the client connection. It
// validates a parsed command once against the command table (name, arity, argument check),
// finds its keys and their owners, and then either runs it here to completion (every key
// local: no hop), or sends it to the owning shards as requests, keeping a reply slot in the
// connection so that replies leave in request order. When the answers come back it fills the
// slot (merging the parts of a fanned-out command).
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

#include <cstdint>
#include <vector>

namespace shardis::server {

// Told when a connection's output grew outside of its own input processing.
class ReplyListener {
 public:
  virtual ~ReplyListener() = default;
  virtual void on_output(Connection& c) = 0;
};

class Router {
 public:
  Router(const Registry& registry, const ServerInfo& info, FabricLink& link, FlowControl& flow,
         Executor& executor, ReplyListener& listener);

  // Runs or routes one command of c. Returns false, having done nothing, when the command needs
  // a credit to a shard that has none left: c then waits (FlowControl) and the same command is
  // offered again later.
  bool dispatch(Connection& c, ArgList args);

  // A request of ours came back (Hop::kCommandDone).
  void complete(const Hop& hop);

 private:
  bool route_key(Connection& c, const CommandSpec& spec, ArgList args);
  bool route_fanout(Connection& c, const CommandSpec& spec, ArgList args);
  void run_here(Connection& c, const CommandSpec& spec, ArgList args);
  RemoteCommand* new_remote(Connection& c, const CommandSpec& spec, ArgList args);

  const Registry& registry_;
  const ServerInfo& info_;
  FabricLink& link_;
  FlowControl& flow_;
  Executor& executor_;
  ReplyListener& listener_;
  uint32_t self_;
  uint32_t n_;
  std::vector<std::vector<uint32_t>> scratch_by_shard_;
};

// Checks a looked-up command (spec is nullptr when args[0] is unknown): existence, arity and
// arguments. On failure writes the error reply and returns false.
bool validate_command(const CommandSpec* spec, ArgList args, proto::ReplyBuilder& rb);

}  // namespace shardis::server
