#include <shardis/server/route/router.h>
#include <shardis/server/routing.h>

namespace shardis::server {

namespace {
constexpr std::string_view kErrCrossShard = "CROSSSLOT Keys in request don't hash to the same slot";
}  // namespace

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

Router::Router(const Registry& registry, const ServerInfo& info, FabricLink& link,
               FlowControl& flow, Executor& executor, ReplyListener& listener)
    : registry_(registry),
      info_(info),
      link_(link),
      flow_(flow),
      executor_(executor),
      listener_(listener),
      self_(link.self()),
      n_(link.shards()),
      scratch_by_shard_(link.shards()) {}

bool Router::dispatch(Connection& c, ArgList args) {
  if (args.empty()) return true;
  const CommandSpec* spec = registry_.find(args[0]);
  bool routable = n_ > 1 && spec != nullptr && spec->route != Route::kConnection &&
                  arity_ok(*spec, args.size()) &&
                  (spec->check == nullptr || spec->check(args).empty());
  if (routable) {
    return spec->route == Route::kKey ? route_key(c, *spec, args) : route_fanout(c, *spec, args);
  }
  // Unknown, bad arity, failed check, connection commands, or a single shard: all local.
  proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
  if (validate_command(spec, args, rb)) run_here(c, *spec, args);
  return true;
}

void Router::run_here(Connection& c, const CommandSpec& spec, ArgList args) {
  proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
  if (spec.route == Route::kConnection) {
    ConnContext ctx{args, c.client, rb, registry_, info_};
    spec.run_conn(ctx);
    return;
  }
  executor_.run(spec, args, c.client.db, rb);
}

RemoteCommand* Router::new_remote(Connection& c, const CommandSpec& spec, ArgList args) {
  auto* cmd = new RemoteCommand;
  cmd->spec = &spec;
  cmd->db = c.client.db;
  cmd->resp = c.client.resp;
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
      if (shard_of(args[i], n_) != owner) {
        proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
        rb.error(kErrCrossShard);
        return true;
      }
    }
  }
  if (owner == self_) {
    run_here(c, spec, args);
    return true;
  }
  if (!flow_.has_credit(owner)) return false;
  RemoteCommand* cmd = new_remote(c, spec, args);
  cmd->part_shard.push_back(owner);
  cmd->pending = 1;
  link_.send_request(owner, Hop{cmd, 0, Hop::kCommand});
  return true;
}

bool Router::route_fanout(Connection& c, const CommandSpec& spec, ArgList args) {
  auto& by_shard = scratch_by_shard_;
  for (auto& v : by_shard) v.clear();
  if (spec.route == Route::kKeysFanout) {
    for (uint32_t i : key_indices(spec, args)) by_shard[shard_of(args[i], n_)].push_back(i);
  }
  bool remote = false;
  for (uint32_t s = 0; s < n_; ++s) {
    bool involved = spec.route == Route::kAllShards || !by_shard[s].empty();
    if (s == self_ || !involved) continue;
    if (!flow_.has_credit(s)) return false;
    remote = true;
  }
  if (!remote) {
    run_here(c, spec, args);
    return true;
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
  if (cmd->spec->route == Route::kKey) {
    cmd->slot->buf = std::move(cmd->reply);
  } else {
    proto::ReplyBuilder rb(cmd->slot->buf, cmd->resp);
    merge_parts(*cmd->spec, cmd->args, cmd->key_idx, cmd->parts, rb);
  }
  cmd->slot->done = true;
  --c.hops_inflight;
  delete cmd;
  c.drain_pending();
  listener_.on_output(c);
}

}  // namespace shardis::server
