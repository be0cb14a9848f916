#include <shardis/server/exec/executor.h>
#include <shardis/server/routing.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/admission.h>
#include <shardis/server/txn/fanout_batch.h>
#include <shardis/server/txn/multi.h>

#include <algorithm>
#include <cassert>
#include <map>

namespace shardis::server {

namespace {

constexpr std::string_view kErrExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";

// ---- Watches ----

// Drops watches on their owner.
struct UnwatchMessage final : PushMessage {
  std::vector<WatchItem> keys;
  void apply(ShardCore& core) override {
    for (const WatchItem& w : keys) core.watches().unwatch(w.db, w.key);
  }
};

void send_unwatch(ShardCore& core, uint32_t shard, std::vector<WatchItem> keys) {
  if (keys.empty()) return;
  auto msg = std::make_unique<UnwatchMessage>();
  msg->keys = std::move(keys);
  core.push_to(shard, std::move(msg));
}

// WATCH: each owner stamps its keys; the stamps go into the client's state.
class WatchTxn final : public Txn {
 public:
  explicit WatchTxn(ShardCore& core) : core_(core) {}
  void on_acquired(Transactions& t) override {
    bool alive = conn != nullptr && !conn->closed;
    for (TxnParticipant& p : parts) {
      for (TxnAction& a : p.actions) {
        if (a.kind != TxnAction::kWatch) continue;
        if (!alive) {
          send_unwatch(core_, p.shard, std::move(a.watch));  // the client left meanwhile
          continue;
        }
        for (WatchItem& w : a.watch) {
          conn->multi->watched.push_back({w.db, std::move(w.key), p.shard, w.stamp});
        }
      }
      p.actions.clear();
    }
    proto::ReplyBuffer out;
    proto::ReplyBuilder(out, resp).ok();
    t.reply(*this, std::move(out));
  }

 private:
  ShardCore& core_;
};

// ---- EXEC ----

class ExecTxn final : public Txn {
 public:
  enum class Kind : uint8_t {
    kDone,     // replied at EXEC already (connection command, argument error)
    kSingle,   // runs whole on one participant
    kFanout,   // a part on each of several participants, merged here
    kMigrate,  // keys on several participants: detach, run here, attach
  };
  struct Planned {
    Kind kind = Kind::kDone;
    uint32_t part = 0;                           // kSingle: participant index
    std::vector<uint32_t> parts;                 // kFanout, kMigrate: participant indices
    std::vector<std::vector<uint32_t>> key_idx;  // kFanout: per entry of parts
    std::vector<std::vector<std::pair<int, std::string>>> detach;  // kMigrate: per entry
  };

  explicit ExecTxn(ShardCore& core) : core_(core) {}

  std::vector<Planned> plan;
  std::vector<proto::ReplyBuffer> replies;
  std::vector<std::vector<WatchItem>> watched;  // per participant
  bool has_watches = false;
  int db_before = 0;  // the client's database at EXEC: a WATCH abort runs no SELECT of the block

  // Actions of the commands [from, to) for participant `part`.
  void add_segment_actions(uint32_t part, size_t from, size_t to) {
    TxnParticipant& p = parts[part];
    for (size_t i = from; i < to; ++i) {
      const Planned& pl = plan[i];
      if (pl.kind == Kind::kSingle && pl.part == part) {
        TxnAction& a = p.actions.emplace_back();
        a.kind = TxnAction::kRun;
        a.cmd = static_cast<uint32_t>(i);
      } else if (pl.kind == Kind::kFanout) {
        for (size_t k = 0; k < pl.parts.size(); ++k) {
          if (pl.parts[k] != part) continue;
          TxnAction& a = p.actions.emplace_back();
          a.kind = TxnAction::kPart;
          a.cmd = static_cast<uint32_t>(i);
          a.key_idx = pl.key_idx[k];
        }
      }
    }
  }

  size_t segment_end(size_t from) const {
    size_t end = from;
    while (end < plan.size() && plan[end].kind != Kind::kMigrate) ++end;
    return end;
  }

  void on_acquired(Transactions& t) override {
    for (TxnParticipant& p : parts) {
      for (const TxnAction& a : p.actions) {
        if (a.kind == TxnAction::kWatchCheck && a.dirty) aborted_ = true;
      }
    }
    if (aborted_) {
      for (TxnParticipant& p : parts) p.actions.clear();
      // The connection is still paused for this EXEC (nothing after it was parsed): the block's
      // SELECTs, run when it was planned, are undone.
      if (conn != nullptr) conn->client.db = db_before;
      proto::ReplyBuffer out;
      proto::ReplyBuilder(out, resp).null_array();
      t.reply(*this, std::move(out));
      release(t);
      return;
    }
    collect_all();
    run_from(t);
  }

  void on_step_done(Transactions& t, uint32_t part) override {
    (void)part;
    if (body_steps > 0) return;
    switch (phase_) {
      case Phase::kSegment:
        collect_all();
        next_ = seg_end_;
        run_from(t);
        return;
      case Phase::kDetach:
        run_migrate(t);
        return;
      case Phase::kAttach:
        for (uint32_t pi : plan[next_].parts) parts[pi].actions.clear();
        ++next_;
        run_from(t);
        return;
    }
  }

  // Acquire-time work: watch checks, or (with no watch) the first segment.
  void plan_acquire() {
    for (uint32_t i = 0; i < parts.size(); ++i) {
      if (!watched[i].empty()) {
        TxnAction& a = parts[i].actions.emplace_back();
        a.kind = TxnAction::kWatchCheck;
        a.watch = watched[i];
      }
    }
    bool one_segment = segment_end(0) == plan.size();
    if (parts.size() == 1 && one_segment) {
      // Everything on one shard: the whole transaction in one step.
      add_segment_actions(0, 0, plan.size());
      add_unwatch(0);
      parts[0].release_after = true;
      seg_end_ = plan.size();
      return;
    }
    if (has_watches) return;  // nothing may run before every check passed
    seg_end_ = segment_end(0);
    for (uint32_t i = 0; i < parts.size(); ++i) add_segment_actions(i, 0, seg_end_);
    if (one_segment) parts.back().release_after = true;
  }

 private:
  enum class Phase : uint8_t { kSegment, kDetach, kAttach };

  void add_unwatch(uint32_t part) {
    if (watched[part].empty()) return;
    TxnAction& a = parts[part].actions.emplace_back();
    a.kind = TxnAction::kUnwatch;
    a.watch = watched[part];
  }

  // Moves the results of every participant's last actions into replies (and fan-out parts).
  void collect_all() {
    for (TxnParticipant& p : parts) {
      for (TxnAction& a : p.actions) {
        if (a.kind == TxnAction::kRun) {
          replies[a.cmd] = std::move(a.reply);
        } else if (a.kind == TxnAction::kPart) {
          part_keys_[a.cmd].push_back(std::move(a.key_idx));
          part_results_[a.cmd].push_back(std::move(a.part));
        }
      }
      p.actions.clear();
    }
    for (size_t i = next_; i < seg_end_; ++i) {
      if (plan[i].kind != Kind::kFanout) continue;
      const TxnCommand& c = cmds[i];
      proto::ReplyBuilder rb(replies[i], c.resp);
      merge_parts(*c.spec, c.args, part_keys_[i], part_results_[i], rb);
      part_keys_[i].clear();
      part_results_[i].clear();
    }
  }

 public:
  void prepare_results() {
    part_keys_.resize(plan.size());
    part_results_.resize(plan.size());
  }

 private:
  void run_from(Transactions& t) {
    next_ = std::max(next_, seg_end_);
    while (next_ < plan.size()) {
      if (plan[next_].kind == Kind::kMigrate) {
        start_migrate(t);
        return;
      }
      seg_end_ = segment_end(next_);
      bool any = false;
      for (uint32_t i = 0; i < parts.size(); ++i) {
        if (parts[i].released) continue;
        add_segment_actions(i, next_, seg_end_);
        any = any || !parts[i].actions.empty();
      }
      if (!any) {
        next_ = seg_end_;
        continue;
      }
      phase_ = Phase::kSegment;
      std::vector<uint32_t> busy;
      for (uint32_t i = 0; i < parts.size(); ++i) {
        if (!parts[i].actions.empty()) busy.push_back(i);
      }
      t.step(*this, busy);
      return;
    }
    finish(t);
  }

  void start_migrate(Transactions& t) {
    Planned& pl = plan[next_];
    phase_ = Phase::kDetach;
    seg_end_ = next_;
    for (size_t k = 0; k < pl.parts.size(); ++k) {
      TxnAction& a = parts[pl.parts[k]].actions.emplace_back();
      a.kind = TxnAction::kDetach;
      a.keys = pl.detach[k];
    }
    t.step(*this, pl.parts);
  }

  void run_migrate(Transactions& t) {
    Planned& pl = plan[next_];
    std::vector<DetachedKey> keys;
    std::vector<uint32_t> owner;
    for (uint32_t pi : pl.parts) {
      for (TxnAction& a : parts[pi].actions) {
        for (DetachedKey& k : a.detached) {
          keys.push_back(std::move(k));
          owner.push_back(pi);
        }
      }
      parts[pi].actions.clear();
      TxnAction& attach = parts[pi].actions.emplace_back();
      attach.kind = TxnAction::kAttach;
    }
    std::vector<KeyChangeRecord> changes;
    core_.scratch().run_scratch(cmds[next_], keys, replies[next_], changes);
    for (size_t k = 0; k < keys.size(); ++k) {
      TxnAction& a = parts[owner[k]].actions.back();
      for (const KeyChangeRecord& c : changes) {
        if (c.db == keys[k].db && c.key == keys[k].key) a.changes.push_back(c);
      }
      a.detached.push_back(std::move(keys[k]));
    }
    phase_ = Phase::kAttach;
    t.step(*this, pl.parts);
  }

  void finish(Transactions& t) {
    proto::ReplyBuffer out;
    proto::ReplyBuilder rb(out, resp);
    rb.array(replies.size());
    for (proto::ReplyBuffer& r : replies) out.append_buffer(std::move(r));
    t.reply(*this, std::move(out));
    release(t);
  }

  void release(Transactions& t) {
    for (uint32_t i = 0; i < parts.size(); ++i) {
      if (parts[i].released) continue;
      parts[i].actions.clear();
      add_unwatch(i);
    }
    t.release_all(*this);
  }

  ShardCore& core_;
  bool aborted_ = false;
  Phase phase_ = Phase::kSegment;
  size_t next_ = 0;     // first command not run yet
  size_t seg_end_ = 0;  // end of the segment running (or run at acquire)
  std::vector<std::vector<std::vector<uint32_t>>> part_keys_;
  std::vector<std::vector<PartResult>> part_results_;
};

// Participants of a transaction being planned: per shard, its lock items and scope.
struct ParticipantPlan {
  std::vector<LockItem> items;
  LockScope scope = LockScope::kKeys;
};

void widen(LockScope& scope, LockScope to) {
  if (to == LockScope::kShardWrite || (to == LockScope::kShardRead && scope == LockScope::kKeys)) {
    scope = to;
  }
}

}  // namespace

void multi_queue(Connection& c, const CommandSpec& spec, ArgList args) {
  MultiState& m = *c.multi;
  if (m.dirty_exec) return;
  TxnCommand& q = m.queue.emplace_back();
  q.spec = &spec;
  q.set_args(args);
}

void multi_reset(Connection& c) {
  if (!c.multi) return;
  c.multi->active = false;
  c.multi->dirty_exec = false;
  c.multi->queue.clear();
}

void unwatch_all(ShardCore& core, Connection& c) {
  if (!c.multi || c.multi->watched.empty()) return;
  std::map<uint32_t, std::vector<WatchItem>> by_shard;
  for (WatchedKey& w : c.multi->watched) {
    by_shard[w.shard].push_back({w.db, std::move(w.key), w.stamp});
  }
  c.multi->watched.clear();
  for (auto& [shard, keys] : by_shard) send_unwatch(core, shard, std::move(keys));
}

bool watch_start(ShardCore& core, Connection& c, ArgList args) {
  uint32_t n = core.shards();
  auto t = std::make_unique<WatchTxn>(core);
  t->conn = &c;
  t->resp = c.client.resp;
  t->client = c.client.id;
  t->cmds.resize(1);
  TxnCommand& cmd = t->cmds[0];
  cmd.set_args(args);
  std::map<uint32_t, std::vector<uint32_t>> by_shard;
  for (uint32_t i = 1; i < cmd.args.size(); ++i) by_shard[shard_of(cmd.args[i], n)].push_back(i);
  for (const auto& [shard, idx] : by_shard) {
    TxnParticipant& p = t->parts.emplace_back();
    p.shard = shard;
    p.release_after = true;  // a stamp needs no lock kept: any later change is seen at EXEC
    TxnAction& a = p.actions.emplace_back();
    a.kind = TxnAction::kWatch;
    for (uint32_t i : idx) {
      p.lock.items.push_back({c.client.db, cmd.args[i], false});
      a.watch.push_back({c.client.db, std::string(cmd.args[i]), {}});
    }
  }
  if (!c.multi) c.multi = std::make_unique<MultiState>();
  return core.txns().start(std::move(t));
}

bool exec_start(ShardCore& core, Connection& c) {
  MultiState& m = *c.multi;
  const uint32_t n = core.shards();
  // The participants are known only once the block is planned, and planning runs its
  // connection commands: ask for a credit to every peer before anything happens.
  for (uint32_t s = 0; s < n; ++s) {
    if (s != core.id() && !core.flow().has_credit(s)) return false;
  }
  auto t = std::make_unique<ExecTxn>(core);
  t->conn = &c;
  t->resp = c.client.resp;
  t->client = c.client.id;
  t->db_before = c.client.db;
  t->cmds = std::move(m.queue);
  m.queue.clear();
  const size_t count = t->cmds.size();
  t->plan.resize(count);
  t->replies.resize(count);

  // Commands are placed at EXEC time in order, so that SELECT (and HELLO) inside the block apply
  // to the commands after them, as in Redis. Connection commands run now.
  std::map<uint32_t, ParticipantPlan> shards;
  struct Pending {
    size_t cmd;
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>> by_shard;  // fan-out / migrate
    uint32_t single = 0;
  };
  std::vector<Pending> placed;
  for (size_t i = 0; i < count; ++i) {
    TxnCommand& cmd = t->cmds[i];
    cmd.db = c.client.db;
    cmd.resp = c.client.resp;
    proto::ReplyBuilder rb(t->replies[i], cmd.resp);
    if (cmd.spec->route == Route::kConnection) {
      ConnContext ctx{cmd.args, c.client, rb, core.registry(), core.info()};
      cmd.spec->run_conn(ctx);
      continue;
    }
    if (cmd.spec->route == Route::kCoordinator) {
      // MULTI, EXEC, WATCH and DISCARD are never queued. The others reply now (UNWATCH without
      // touching the watches this EXEC checks), or name what runs in their place.
      CoordContext ctx{cmd.args, c, rb, core};
      if (cmd.spec->exec_as == nullptr) {
        [[maybe_unused]] bool ran = cmd.spec->run_coord(ctx);
        assert(ran);
        continue;
      }
      const CommandSpec* as = cmd.spec->exec_as(ctx);
      if (as == nullptr) continue;
      cmd.spec = as;
    }
    const CommandSpec& spec = *cmd.spec;
    if (spec.check != nullptr) {
      std::string err = spec.check(cmd.args);
      if (!err.empty()) {
        rb.error(err);
        continue;
      }
    }
    Pending pend{i, {}, 0};
    ExecTxn::Planned& pl = t->plan[i];
    std::vector<uint32_t> keys = key_indices(spec, cmd.args);
    std::map<uint32_t, std::vector<uint32_t>> owners;
    for (uint32_t k : keys) owners[shard_of(cmd.args[k], n)].push_back(k);
    if (spec.route == Route::kAllShards) {
      for (uint32_t s = 0; s < n; ++s) owners[s];
    }
    if (owners.empty()) {
      // Keyless on one shard (SCAN's cursor names it), or arguments naming no valid key (the
      // handler replies the error wherever it runs).
      uint32_t s = spec.pick_shard != nullptr ? spec.pick_shard(cmd.args, n) : core.id();
      pl.kind = ExecTxn::Kind::kSingle;
      pend.single = s;
      ParticipantPlan& pp = shards[s];
      if (!spec.has_keys) widen(pp.scope, Admission::scope_of(spec));
    } else if (owners.size() == 1) {
      pl.kind = ExecTxn::Kind::kSingle;
      pend.single = owners.begin()->first;
    } else {
      pl.kind = spec.route == Route::kKey ? ExecTxn::Kind::kMigrate : ExecTxn::Kind::kFanout;
      for (auto& [s, idx] : owners) pend.by_shard.emplace_back(s, std::move(idx));
    }
    if (spec.route == Route::kAllShards) {
      for (uint32_t s = 0; s < n; ++s) widen(shards[s].scope, Admission::scope_of(spec));
    }
    // A migrated command's keys leave their owners while it runs: locked exclusive, read-only
    // or not.
    const bool migrated = pl.kind == ExecTxn::Kind::kMigrate;
    for (const LockKeyRef& r : lock_key_refs(spec, cmd.args, cmd.db)) {
      shards[shard_of(cmd.args[r.argv], n)].items.push_back(
          {r.db, cmd.args[r.argv], r.write || migrated});
    }
    placed.push_back(std::move(pend));
  }
  // Watched keys: read-locked on their owners, and checked there.
  std::vector<WatchedKey> watched = std::move(m.watched);
  m.watched.clear();
  for (const WatchedKey& w : watched) shards[w.shard];
  m.active = false;
  m.dirty_exec = false;

  if (shards.empty()) {
    // Nothing touches the keyspace and nothing is watched: the replies are all here.
    proto::ReplyBuffer out;
    proto::ReplyBuilder rb(out, t->resp);
    rb.array(count);
    for (proto::ReplyBuffer& r : t->replies) out.append_buffer(std::move(r));
    proto::ReplyBuilder(c.local_sink(), c.client.resp).raw(out.to_string());
    return true;
  }

  // Participants in ascending shard order.
  std::map<uint32_t, uint32_t> index;
  t->parts.resize(shards.size());
  t->watched.resize(shards.size());
  {
    uint32_t i = 0;
    for (auto& [s, pp] : shards) {
      index[s] = i;
      TxnParticipant& p = t->parts[i];
      p.shard = s;
      p.lock.items = std::move(pp.items);
      p.lock.scope = pp.scope;
      ++i;
    }
  }
  for (WatchedKey& w : watched) {
    uint32_t pi = index[w.shard];
    t->watched[pi].push_back({w.db, std::move(w.key), w.stamp});
    t->has_watches = true;
  }
  // Watched keys are read-locked: their check is atomic with the commands.
  for (uint32_t pi = 0; pi < t->parts.size(); ++pi) {
    for (const WatchItem& w : t->watched[pi]) t->parts[pi].lock.items.push_back({w.db, w.key});
  }
  for (Pending& pend : placed) {
    ExecTxn::Planned& pl = t->plan[pend.cmd];
    if (pl.kind == ExecTxn::Kind::kSingle) {
      pl.part = index[pend.single];
      continue;
    }
    const TxnCommand& cmd = t->cmds[pend.cmd];
    for (auto& [s, idx] : pend.by_shard) {
      pl.parts.push_back(index[s]);
      if (pl.kind == ExecTxn::Kind::kFanout) {
        pl.key_idx.push_back(std::move(idx));
        continue;
      }
      // Migrate: the keys (in the databases they name) to detach on this participant.
      std::vector<std::pair<int, std::string>> keys;
      for (const LockKeyRef& r : lock_key_refs(*cmd.spec, cmd.args, cmd.db)) {
        if (shard_of(cmd.args[r.argv], n) != s) continue;
        std::pair<int, std::string> name{r.db, std::string(cmd.args[r.argv])};
        if (std::find(keys.begin(), keys.end(), name) == keys.end()) keys.push_back(name);
      }
      pl.detach.push_back(std::move(keys));
    }
  }
  t->prepare_results();
  t->plan_acquire();
  // With no WATCH and nothing to gather in one place, the block joins the shard's batch: its
  // acquire steps are all it runs (FanoutBatch).
  if (!t->has_watches && t->segment_end(0) == t->plan.size() &&
      core.batch().may_join_exec(c, t->parts)) {
    ExecBlock b;
    b.resp = t->resp;
    b.merged.reserve(count);
    for (const ExecTxn::Planned& pl : t->plan)
      b.merged.push_back(pl.kind == ExecTxn::Kind::kFanout);
    b.cmds = std::move(t->cmds);
    b.replies = std::move(t->replies);
    b.parts = std::move(t->parts);
    core.batch().add_exec(c, std::move(b));
    return true;
  }
  return core.txns().start(std::move(t));
}

}  // namespace shardis::server
