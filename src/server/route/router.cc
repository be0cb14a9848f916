#include <shardis/server/families/family_util.h>
#include <shardis/server/route/router.h>
#include <shardis/server/routing.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/multi.h>

#include <algorithm>

namespace shardis::server {

bool validate_command(const CommandSpec* spec, ArgList args, proto::ReplyBuilder& rb) {
  if (spec == nullptr) {
    rb.error(err_unknown_command(args));
    return false;
  }
  if (!arity_ok(*spec, args.size())) {
    rb.error(err_wrong_args(spec->name));
    return false;
  }
  if (spec->check != nullptr) {
    std::string err = spec->check(args);
    if (!err.empty()) {
      rb.error(err);
      return false;
    }
  }
  return true;
}

Router::Router(ShardCore& core, const Registry& registry, const ServerInfo& info, FabricLink& link,
               FlowControl& flow, Executor& executor, Admission& admission, Transactions& txns,
               ScratchRunner& scratch, ReplyListener& listener)
    : core_(core),
      registry_(registry),
      info_(info),
      link_(link),
      flow_(flow),
      executor_(executor),
      admission_(admission),
      txns_(txns),
      scratch_(scratch),
      listener_(listener),
      self_(link.self()),
      n_(link.shards()),
      scratch_by_shard_(link.shards()),
      batch_(link, flow, txns, listener) {}

bool Router::dispatch(Connection& c, ArgList args) {
  if (args.empty()) return true;
  const CommandSpec* spec = registry_.find(args[0]);
  if (c.multi && c.multi->active) return queue_or_run(c, spec, args);
  {
    proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
    if (spec == nullptr || !arity_ok(*spec, args.size())) {
      if (spec != nullptr && refuse_exec(c, spec, err_wrong_args(spec->name), rb)) return true;
      validate_command(spec, args, rb);  // writes the error
      return true;
    }
    if (refused_in_pubsub(c, *spec, args, rb)) return true;
    if (!validate_command(spec, args, rb)) return true;
  }
  return route(c, *spec, args);
}

bool Router::refuse_exec(Connection& c, const CommandSpec* spec, std::string_view err,
                         proto::ReplyBuilder& rb) {
  if (spec == nullptr || spec->run_coord != exec_handler()) return false;
  // A refused EXEC ends any transaction (Redis's execCommandAbort), in MULTI or not.
  std::string_view reason = err.substr(0, 4) == "ERR " ? err.substr(4) : err;
  rb.error("EXECABORT Transaction discarded because of: " + std::string(reason));
  multi_reset(c);
  unwatch_all(core_, c);
  return true;
}

bool Router::refused_in_pubsub(Connection& c, const CommandSpec& spec, ArgList args,
                               proto::ReplyBuilder& rb) {
  // A RESP2 client with subscriptions reads messages as plain arrays: Redis lets it run only
  // the commands that make sense there.
  if (c.client.pubsub == 0 || c.client.resp != 2 || (spec.flags & kPubsubContext) != 0) {
    return false;
  }
  std::string err = "ERR Can't execute '";
  err.append(spec.name);
  if (spec.meta != nullptr && args.size() >= 2) {
    // A container's subcommand is named container|sub, as Redis's fullname.
    std::string full = std::string(spec.name) + "|";
    for (char ch : args[1]) full.push_back(static_cast<char>(std::tolower(ch)));
    if (has_subcommand(spec, full)) err = "ERR Can't execute '" + full;
  }
  err.append(
      "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in "
      "this context");
  rb.error(err);
  if (c.multi && c.multi->active) c.multi->dirty_exec = true;
  return true;
}

bool Router::queue_or_run(Connection& c, const CommandSpec* spec, ArgList args) {
  // Inside MULTI, as Redis's processCommand: an unknown command or a wrong arity is refused and
  // dooms the transaction; the argument checks of a command run at EXEC, like its handler.
  proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
  std::string err;
  if (spec == nullptr || !arity_ok(*spec, args.size())) {
    err = spec == nullptr ? err_unknown_command(args) : err_wrong_args(spec->name);
  } else {
    err = subcommand_error(*spec, args);
  }
  if (!err.empty()) {
    if (refuse_exec(c, spec, err, rb)) return true;  // the transaction is over
    rb.error(err);
    c.multi->dirty_exec = true;
    return true;
  }
  if (refused_in_pubsub(c, *spec, args, rb)) return true;
  if ((spec->flags & kRunsInMulti) != 0) {
    if (spec->check != nullptr) {
      std::string err = spec->check(args);
      if (!err.empty()) {
        rb.error(err);
        return true;
      }
    }
    return route(c, *spec, args);
  }
  if ((spec->flags & kNoMulti) != 0) {
    rb.error("ERR Command not allowed inside a transaction");
    c.multi->dirty_exec = true;
    return true;
  }
  multi_queue(c, *spec, args);
  rb.simple("QUEUED");
  return true;
}

bool Router::route(Connection& c, const CommandSpec& spec_ref, ArgList args) {
  const CommandSpec* spec = &spec_ref;
  if (spec->route == Route::kConnection) {
    run_connection(c, *spec, args);
    return true;
  }
  if (spec->route == Route::kCoordinator) {
    proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
    CoordContext ctx{args, c, rb, core_};
    return spec->run_coord(ctx);
  }
  if (n_ == 1) {
    run_local(c, *spec, args);
    return true;
  }
  return spec->route == Route::kKey ? route_key(c, *spec, args) : route_fanout(c, *spec, args);
}

void Router::run_connection(Connection& c, const CommandSpec& spec, ArgList args) {
  proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
  ConnContext ctx{args, c.client, rb, registry_, info_};
  spec.run_conn(ctx);
}

void Router::run_local(Connection& c, const CommandSpec& spec, ArgList args) {
  bool may_block = spec.block.timeout_arg != 0;
  if (admission_.must_wait(c.client.id, spec, args, c.client.db)) {
    // Queued behind a transaction: the arguments are copied, the reply waits in a slot.
    RemoteCommand* cmd = new_remote(c, spec, args);
    cmd->pending = 1;
    cmd->may_block = may_block;
    if (may_block) flow_.pause(c, Connection::kPauseBlocked);
    admission_.defer(cmd->client, spec, cmd->args, cmd->db, [this, cmd] {
      proto::ReplyBuilder rb(cmd->reply, cmd->resp);
      cmd->wait_id = core_.run_owned(*cmd->spec, cmd->args, cmd->db, cmd->resp, cmd->client, self_,
                                     cmd->may_block, rb);
      complete(Hop{cmd, 0, Hop::kCommandDone});
    });
    return;
  }
  proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
  uint64_t wait_id =
      core_.run_owned(spec, args, c.client.db, c.client.resp, c.client.id, self_, may_block, rb);
  if (wait_id != 0) core_.block_client(c, c.add_pending_slot(), spec, args, wait_id, self_);
}

RemoteCommand* Router::new_remote(Connection& c, const CommandSpec& spec, ArgList args) {
  auto* cmd = new RemoteCommand;
  cmd->spec = &spec;
  cmd->db = c.client.db;
  cmd->resp = c.client.resp;
  cmd->client = c.client.id;
  cmd->copy_args(args);
  cmd->conn = &c;
  cmd->slot = c.add_pending_slot();
  ++c.hops_inflight;
  return cmd;
}

bool Router::route_key(Connection& c, const CommandSpec& spec, ArgList args) {
  uint32_t owner = self_;
  if (spec.pick_shard != nullptr) owner = spec.pick_shard(args, n_);
  if (spec.has_keys) {
    // Movable keys with none found mean bad arguments, which the handler reports here.
    std::vector<uint32_t> idx = key_indices(spec, args);
    if (!idx.empty()) owner = shard_of(args[idx[0]], n_);
    for (uint32_t i : idx) {
      if (shard_of(args[i], n_) != owner) return start_migrate(c, spec, args);
    }
  }
  if (owner == self_) {
    run_local(c, spec, args);
    return true;
  }
  if (!flow_.has_credit(owner)) return false;
  RemoteCommand* cmd = new_remote(c, spec, args);
  cmd->part_shard.push_back(owner);
  cmd->pending = 1;
  if (spec.block.timeout_arg != 0) {
    // Nothing of this client may run before it is known whether the command blocks, as a
    // blocked Redis client reads no further command.
    cmd->may_block = true;
    flow_.pause(c, Connection::kPauseBlocked);
  }
  link_.send_request(owner, Hop{cmd, 0, Hop::kCommand});
  return true;
}

bool Router::start_migrate(Connection& c, const CommandSpec& spec, ArgList args) {
  auto t = make_migrate_txn(spec, args, c.client.db, c.client.resp, c.client.id, n_);
  t->scratch = &scratch_;
  t->blocking = &core_.blocking();
  t->conn = &c;
  if (spec.block.timeout_arg != 0) {
    t->opts.may_block = true;
    int i = spec.block.timeout_arg;
    if (i < 0) i += static_cast<int>(args.size());
    int64_t ms = parse_block_timeout(args[static_cast<size_t>(i)]).ms;
    t->deadline_ms = ms > 0 ? executor_.store().clock().now_ms() + ms : 0;
  }
  return txns_.start(std::move(t));
}

bool Router::start_fanout(Connection& c, const CommandSpec& spec, ArgList args,
                          const std::vector<std::vector<uint32_t>>& by_shard) {
  if (FanoutBatch::may_join(c, spec)) return batch_.add(c, spec, args, by_shard);
  auto t = std::make_unique<FanoutTxn>();
  t->conn = &c;
  t->resp = c.client.resp;
  t->client = c.client.id;
  t->cmds.resize(1);
  TxnCommand& cmd = t->cmds[0];
  cmd.spec = &spec;
  cmd.db = c.client.db;
  cmd.resp = c.client.resp;
  cmd.set_args(args);
  bool write = (spec.flags & kWrite) != 0;
  t->parts.reserve(n_);
  for (uint32_t s = 0; s < n_; ++s) {
    bool involved = spec.route == Route::kAllShards || !by_shard[s].empty();
    if (!involved) continue;
    TxnParticipant& p = t->parts.emplace_back();
    p.shard = s;
    p.lock.scope = Admission::scope_of(spec);
    p.lock.items.reserve(by_shard[s].size());
    for (uint32_t i : by_shard[s]) p.lock.items.push_back({cmd.db, cmd.args[i], write});
    TxnAction& a = p.actions.emplace_back();
    a.kind = TxnAction::kPart;
    a.key_idx = by_shard[s];
  }
  t->parts.back().release_after = true;
  return txns_.start(std::move(t));
}

bool Router::route_fanout(Connection& c, const CommandSpec& spec, ArgList args) {
  auto& by_shard = scratch_by_shard_;
  for (auto& v : by_shard) v.clear();
  if (spec.route == Route::kKeysFanout) {
    for (uint32_t i : key_indices(spec, args)) by_shard[shard_of(args[i], n_)].push_back(i);
  }
  uint32_t involved = 0;
  uint32_t last = self_;
  for (uint32_t s = 0; s < n_; ++s) {
    if (spec.route != Route::kAllShards && by_shard[s].empty()) continue;
    ++involved;
    last = s;
  }
  if (involved <= 1) {
    // None: the arguments name no valid keys, and the handler replies the error here.
    if (involved == 0 || last == self_) {
      run_local(c, spec, args);
      return true;
    }
    // Every key on one other shard: the whole command runs there, atomically.
    if (!flow_.has_credit(last)) return false;
    RemoteCommand* cmd = new_remote(c, spec, args);
    cmd->part_shard.push_back(last);
    cmd->pending = 1;
    link_.send_request(last, Hop{cmd, 0, Hop::kCommand});
    return true;
  }
  if (spec.lock == LockPolicy::kAuto) return start_fanout(c, spec, args, by_shard);
  // No keyspace to order (INFO, PUBLISH): parts run as they arrive.
  for (uint32_t s = 0; s < n_; ++s) {
    bool inv = spec.route == Route::kAllShards || !by_shard[s].empty();
    if (s != self_ && inv && !flow_.has_credit(s)) return false;
  }
  RemoteCommand* cmd = new_remote(c, spec, args);
  for (uint32_t s = 0; s < n_; ++s) {
    if (spec.route == Route::kAllShards || !by_shard[s].empty()) {
      cmd->part_shard.push_back(s);
      cmd->key_idx.push_back(by_shard[s]);
    }
  }
  cmd->parts.resize(cmd->part_shard.size());
  for (uint32_t p = 0; p < cmd->part_shard.size(); ++p) {
    uint32_t s = cmd->part_shard[p];
    if (s == self_) {
      executor_.run_part(spec, cmd->args, cmd->db, cmd->key_idx[p], cmd->parts[p]);
    } else {
      ++cmd->pending;
    }
  }
  for (uint32_t p = 0; p < cmd->part_shard.size(); ++p) {
    if (cmd->part_shard[p] != self_) {
      link_.send_request(cmd->part_shard[p], Hop{cmd, p, Hop::kCommand});
    }
  }
  return true;
}

void Router::complete(const Hop& hop) {
  auto* cmd = static_cast<RemoteCommand*>(hop.ptr);
  if (--cmd->pending > 0) return;
  Connection& c = *cmd->conn;
  if (cmd->wait_id != 0) {
    // It blocked on its owner: the slot waits for the wake-up.
    // A client that hung up meanwhile has its wait ended (block_client).
    core_.block_client(c, cmd->slot, *cmd->spec, cmd->args, cmd->wait_id,
                       cmd->part_shard.empty() ? self_ : cmd->part_shard[0]);
    --c.hops_inflight;
    delete cmd;
    return;
  }
  if (cmd->may_block) flow_.unpause(c, Connection::kPauseBlocked);
  // A single remote command's reply depends on its owner's records only (released when they
  // were durable); a merge may include a part run here.
  const bool remote = cmd->parts.empty();
  if (cmd->parts.empty()) {
    cmd->slot->buf = std::move(cmd->reply);
  } else {
    proto::ReplyBuilder rb(cmd->slot->buf, cmd->resp);
    merge_parts(*cmd->spec, cmd->args, cmd->key_idx, cmd->parts, rb);
  }
  ReplySlot* slot = cmd->slot;
  --c.hops_inflight;
  delete cmd;
  listener_.deliver(c, *slot, remote);
}

void Router::serve(uint32_t from, const Hop& hop) {
  auto* cmd = static_cast<RemoteCommand*>(hop.ptr);
  if (cmd->parts.empty() && admission_.must_wait(cmd->client, *cmd->spec, cmd->args, cmd->db)) {
    admission_.defer(cmd->client, *cmd->spec, cmd->args, cmd->db,
                     [this, from, hop] { serve_now(from, hop); });
    return;
  }
  serve_now(from, hop);
}

void Router::serve_now(uint32_t from, const Hop& hop) {
  auto* cmd = static_cast<RemoteCommand*>(hop.ptr);
  const CommandSpec& spec = *cmd->spec;
  if (cmd->parts.empty()) {
    proto::ReplyBuilder rb(cmd->reply, cmd->resp);
    cmd->wait_id =
        core_.run_owned(spec, cmd->args, cmd->db, cmd->resp, cmd->client, from, cmd->may_block, rb);
  } else {
    executor_.run_part(spec, cmd->args, cmd->db, cmd->key_idx[hop.part], cmd->parts[hop.part]);
  }
  link_.send_response(from, Hop{cmd, hop.part, Hop::kCommandDone});
}

}  // namespace shardis::server
