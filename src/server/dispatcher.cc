#include <shardis/server/dispatcher.h>
#include <shardis/server/local_exec.h>
#include <shardis/server/routing.h>

#include <atomic>
#include <cassert>

namespace shardis::server {

namespace {
constexpr std::string_view kErrCrossShard = "CROSSSLOT Keys in request don't hash to the same slot";
}  // namespace

Dispatcher::Dispatcher(uint32_t self, Fabric& fabric, const Registry& registry,
                       const ServerInfo& info, ShardStore& store, runtime::IoEngine& engine,
                       ReplyListener& listener)
    : self_(self),
      n_(fabric.shards()),
      fabric_(fabric),
      registry_(registry),
      info_(info),
      store_(store),
      engine_(engine),
      listener_(listener),
      credits_(fabric.shards(), fabric.credits_per_pair()),
      scratch_by_shard_(fabric.shards()),
      published_(fabric.shards(), false) {}

bool Dispatcher::dispatch(Connection& c, ArgList args) {
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
  if (validate_command(spec, args, rb)) {
    run_spec_here(*spec, registry_, info_, args, store_, c.client, rb);
  }
  return true;
}

bool Dispatcher::route_key(Connection& c, const CommandSpec& spec, ArgList args) {
  uint32_t owner = self_;
  if (spec.pick_shard != nullptr) owner = spec.pick_shard(args, n_);
  if (spec.find_keys != nullptr) {
    // Movable keys; none found means bad arguments, which the handler reports here.
    std::vector<uint32_t> idx = spec.find_keys(args);
    if (!idx.empty()) owner = shard_of(args[idx[0]], n_);
    for (uint32_t i : idx) {
      if (shard_of(args[i], n_) != owner) {
        proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
        rb.error(kErrCrossShard);
        return true;
      }
    }
  } else if (spec.has_keys) {
    int argc = static_cast<int>(args.size());
    int last = spec.keys.last >= 0 ? spec.keys.last : argc + spec.keys.last;
    owner = shard_of(args[spec.keys.first], n_);
    for (int i = spec.keys.first + spec.keys.step; i <= last && i < argc; i += spec.keys.step) {
      if (shard_of(args[i], n_) != owner) {
        proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
        rb.error(kErrCrossShard);
        return true;
      }
    }
  }
  if (owner == self_) {
    proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
    run_spec_here(spec, registry_, info_, args, store_, c.client, rb);
    return true;
  }
  if (credits_[owner] == 0) return false;
  auto* cmd = new RemoteCommand;
  cmd->spec = &spec;
  cmd->db = c.client.db;
  cmd->resp = c.client.resp;
  cmd->copy_args(args);
  cmd->part_shard.push_back(owner);
  cmd->conn = &c;
  cmd->slot = c.add_pending_slot();
  cmd->pending = 1;
  ++c.hops_inflight;
  send(owner, Hop{cmd, 0, false});
  return true;
}

bool Dispatcher::route_fanout(Connection& c, const CommandSpec& spec, ArgList args) {
  auto& by_shard = scratch_by_shard_;
  for (auto& v : by_shard) v.clear();
  if (spec.route == Route::kKeysFanout) {
    for (uint32_t i : key_indices(spec, args)) by_shard[shard_of(args[i], n_)].push_back(i);
  }
  bool remote = false;
  for (uint32_t s = 0; s < n_; ++s) {
    bool involved = spec.route == Route::kAllShards || !by_shard[s].empty();
    if (s == self_ || !involved) continue;
    if (credits_[s] == 0) return false;
    remote = true;
  }
  if (!remote) {
    proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
    run_spec_here(spec, registry_, info_, args, store_, c.client, rb);
    return true;
  }
  auto* cmd = new RemoteCommand;
  cmd->spec = &spec;
  cmd->db = c.client.db;
  cmd->resp = c.client.resp;
  cmd->copy_args(args);
  for (uint32_t s = 0; s < n_; ++s) {
    if (spec.route == Route::kAllShards || !by_shard[s].empty()) {
      cmd->part_shard.push_back(s);
      cmd->key_idx.push_back(by_shard[s]);
    }
  }
  cmd->parts.resize(cmd->part_shard.size());
  cmd->conn = &c;
  cmd->slot = c.add_pending_slot();
  ++c.hops_inflight;
  for (uint32_t p = 0; p < cmd->part_shard.size(); ++p) {
    uint32_t s = cmd->part_shard[p];
    if (s == self_) {
      proto::ReplyBuffer unused;
      proto::ReplyBuilder rb(unused, cmd->resp);
      ExecContext ctx{cmd->args, store_, store_.db(cmd->db), rb};
      spec.part(ctx, cmd->key_idx[p], cmd->parts[p]);
    } else {
      ++cmd->pending;
    }
  }
  for (uint32_t p = 0; p < cmd->part_shard.size(); ++p) {
    if (cmd->part_shard[p] != self_) send(cmd->part_shard[p], Hop{cmd, p, false});
  }
  return true;
}

void Dispatcher::send(uint32_t target, const Hop& hop) {
  if (!hop.response) {
    --credits_[target];
    ++outstanding_;
  }
  bool ok = fabric_.ring(self_, target).try_push(hop);
  assert(ok && "credit accounting guarantees ring space");
  (void)ok;
}

void Dispatcher::execute_request(uint32_t from, const Hop& hop) {
  RemoteCommand* cmd = hop.cmd;
  const CommandSpec& spec = *cmd->spec;
  Db& db = store_.db(cmd->db);
  if (spec.route == Route::kKey) {
    proto::ReplyBuilder rb(cmd->reply, cmd->resp);
    ExecContext ctx{cmd->args, store_, db, rb};
    spec.run(ctx);
  } else {
    proto::ReplyBuffer unused;
    proto::ReplyBuilder rb(unused, cmd->resp);
    ExecContext ctx{cmd->args, store_, db, rb};
    spec.part(ctx, cmd->key_idx[hop.part], cmd->parts[hop.part]);
  }
  send(from, Hop{cmd, hop.part, true});
}

void Dispatcher::complete_response(const Hop& hop) {
  RemoteCommand* cmd = hop.cmd;
  ++credits_[cmd->part_shard[hop.part]];
  --outstanding_;
  credit_event_ = true;
  if (--cmd->pending > 0) return;
  Connection& c = *cmd->conn;
  if (cmd->spec->route == Route::kKey) {
    cmd->slot->buf = std::move(cmd->reply);
  } else {
    proto::ReplyBuilder rb(cmd->slot->buf, cmd->resp);
    merge_partials(*cmd->spec, cmd->args, cmd->key_idx, cmd->parts, rb);
  }
  cmd->slot->done = true;
  --c.hops_inflight;
  delete cmd;
  c.drain_pending();
  listener_.on_remote_reply(c);
}

bool Dispatcher::drain_incoming(size_t budget) {
  bool left = false;
  for (uint32_t from = 0; from < n_; ++from) {
    if (from == self_) continue;
    auto& ring = fabric_.ring(from, self_);
    size_t done = 0;
    Hop hop;
    while (done < budget && ring.try_pop(hop)) {
      ++done;
      if (hop.response) {
        complete_response(hop);
      } else {
        execute_request(from, hop);
      }
    }
    if (done == budget && ring.peek_nonempty()) left = true;
  }
  return left;
}

void Dispatcher::flush() {
  bool any = false;
  for (uint32_t to = 0; to < n_; ++to) {
    if (to == self_) continue;
    published_[to] = fabric_.ring(self_, to).publish();
    any |= published_[to];
  }
  if (!any) return;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (uint32_t to = 0; to < n_; ++to) {
    if (to == self_ || !published_[to]) continue;
    if (fabric_.sleeping(to).load(std::memory_order_relaxed)) {
      engine_.wake(fabric_.wake_handle(to), kWakeTag);
    }
  }
}

bool Dispatcher::incoming_nonempty() {
  for (uint32_t from = 0; from < n_; ++from) {
    if (from != self_ && fabric_.ring(from, self_).peek_nonempty()) return true;
  }
  return false;
}

}  // namespace shardis::server
