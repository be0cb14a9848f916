#include <shardis/server/blocking/blocking.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/fabric_link.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/reply_listener.h>
#include <shardis/server/route/router.h>
#include <shardis/server/routing.h>
#include <shardis/server/txn/txn.h>

#include <algorithm>
#include <cassert>

namespace shardis::server {

void TxnCommand::set_args(ArgList in) {
  size_t total = 0;
  for (std::string_view a : in) total += a.size();
  arena.clear();
  // Past the small-string buffer: the bytes live on the heap, and moves keep the views valid.
  arena.reserve(std::max<size_t>(total, 32));
  for (std::string_view a : in) arena.append(a);
  args.clear();
  args.reserve(in.size());
  size_t off = 0;
  for (std::string_view a : in) {
    args.emplace_back(arena.data() + off, a.size());
    off += a.size();
  }
}

void TxnLock::on_granted() {
  owner->after_lock(*txn, part, from);
}

namespace {
// Keeps a transaction alive while a coordinator frame works on it.
struct Busy {
  explicit Busy(Txn& t) : t(t) { ++t.depth; }
  ~Busy() { --t.depth; }
  Txn& t;
};
}  // namespace

Transactions::Transactions(FabricLink& link, FlowControl& flow, LockTable& locks,
                           Executor& executor, WatchTable& watches, Blocking& blocking,
                           ScratchRunner& scratch, ReplyListener& listener)
    : link_(link),
      flow_(flow),
      locks_(locks),
      executor_(executor),
      watches_(watches),
      blocking_(blocking),
      scratch_(scratch),
      listener_(listener) {}

Transactions::~Transactions() = default;

uint32_t Transactions::self() const {
  return link_.self();
}

// ---- Coordinator ----

bool Transactions::start(std::unique_ptr<Txn> owned) {
  if (!owned->credits_held) {
    for (const TxnParticipant& p : owned->parts) {
      if (p.shard != self() && !flow_.has_credit(p.shard)) return false;
    }
    for (TxnParticipant& p : owned->parts) {
      if (p.shard != self()) link_.reserve_credit(p.shard);
    }
  }
  Txn& t = *owned.release();
  ++active_;
  t.id = (next_id_++ << kIdShardBits) | self();
  for (const TxnCommand& c : t.cmds) {
    t.logs = t.logs || (c.spec != nullptr && (c.spec->flags & kWrite) != 0);
  }
  if (t.conn != nullptr) {
    ++t.conn->hops_inflight;
    if (t.slot == nullptr) {
      t.slot = t.conn->add_pending_slot();
      flow_.pause(*t.conn, Connection::kPauseTxn);
    }
  }
  {
    Busy busy(t);
    acquire_next(t);
  }
  finish_if_done(t);
  return true;
}

void Transactions::send(Txn& t, uint32_t part) {
  TxnParticipant& p = t.parts[part];
  p.in_flight = true;
  if (p.shard == self()) {
    run_step(t, part, self());
    return;
  }
  link_.send_request(p.shard, Hop{&t, part, Hop::kTxnStep}, false);
}

void Transactions::acquire_next(Txn& t) {
  if (t.in_acquire_loop) return;
  t.in_acquire_loop = true;
  while (t.next_acquire < t.parts.size()) {
    TxnParticipant& p = t.parts[t.next_acquire];
    if (p.acquired) {
      ++t.next_acquire;
      continue;
    }
    if (p.in_flight) break;
    p.step = TxnParticipant::Step::kAcquire;
    send(t, t.next_acquire);
    if (p.in_flight) break;  // waits for its locks, or for the ring
  }
  t.in_acquire_loop = false;
  if (t.next_acquire == t.parts.size() && !t.all_acquired) {
    t.all_acquired = true;
    if (t.conn != nullptr) flow_.unpause(*t.conn, Connection::kPauseTxn);
    t.on_acquired(*this);
  }
}

void Transactions::step(Txn& t, std::span<const uint32_t> parts) {
  Busy busy(t);
  for (uint32_t part : parts) {
    TxnParticipant& p = t.parts[part];
    assert(p.acquired && !p.released && !p.in_flight);
    p.step = TxnParticipant::Step::kRun;
    p.in_flight = true;
    ++t.body_steps;
  }
  for (uint32_t part : parts) send(t, part);
}

void Transactions::release_all(Txn& t) {
  Busy busy(t);
  for (uint32_t i = 0; i < t.parts.size(); ++i) {
    TxnParticipant& p = t.parts[i];
    if (!p.acquired || p.released || p.in_flight) continue;
    p.step = TxnParticipant::Step::kRelease;
    send(t, i);
  }
}

void Transactions::reply(Txn& t, proto::ReplyBuffer&& bytes) {
  if (t.replied) return;
  t.replied = true;
  if (t.conn == nullptr) return;
  t.slot->buf = std::move(bytes);
  // A logged transaction is acknowledged only once every participant's record is written (and
  // with appendfsync always, durable): participants log when they release.
  if (logging(t)) {
    t.reply_held = true;
    return;
  }
  listener_.deliver(*t.conn, *t.slot);
}

void Transactions::on_response(const Hop& hop) {
  auto& t = *static_cast<Txn*>(hop.ptr);
  {
    Busy busy(t);
    TxnParticipant& p = t.parts[hop.part];
    if (hop.kind == Hop::kTxnDone) p.released = true;
    participant_done(t, hop.part);
  }
  finish_if_done(t);
}

void Transactions::participant_done(Txn& t, uint32_t part) {
  TxnParticipant& p = t.parts[part];
  p.in_flight = false;
  switch (p.step) {
    case TxnParticipant::Step::kAcquire:
      p.acquired = true;
      acquire_next(t);
      return;
    case TxnParticipant::Step::kRun:
      --t.body_steps;
      t.on_step_done(*this, part);
      return;
    case TxnParticipant::Step::kRelease:
      p.released = true;
      return;
  }
}

void Transactions::finish_if_done(Txn& t) {
  if (t.depth > 0) return;
  for (const TxnParticipant& p : t.parts) {
    if (!p.released || p.in_flight) return;
  }
  t.on_finished(*this);
  if (t.conn != nullptr) {
    Connection& c = *t.conn;
    if (t.reply_held) listener_.deliver(c, *t.slot);  // c is not freed: hops_inflight > 0
    --c.hops_inflight;
    listener_.on_output(c);
  }
  --active_;
  delete &t;
}

// ---- Participant ----

void Transactions::on_request(uint32_t from, const Hop& hop) {
  run_step(*static_cast<Txn*>(hop.ptr), hop.part, from);
}

void Transactions::run_step(Txn& t, uint32_t part, uint32_t from) {
  TxnParticipant& p = t.parts[part];
  switch (p.step) {
    case TxnParticipant::Step::kAcquire:
      p.lock.client = t.client;
      // Locked, run and released in one go: with nothing in its way, the request needs no entry
      // in the table (after_lock's release of a request never acquired does nothing).
      if (p.release_after && !locks_.must_wait(p.lock.client, p.lock.items, p.lock.scope)) {
        after_lock(t, part, from);
        return;
      }
      p.lock.owner = this;
      p.lock.txn = &t;
      p.lock.part = part;
      p.lock.from = from;
      if (locks_.acquire(p.lock)) after_lock(t, part, from);
      return;
    case TxnParticipant::Step::kRun:
      run_actions(t, p);
      break;
    case TxnParticipant::Step::kRelease:
      run_actions(t, p);
      log_release(t, p);
      locks_.release(p.lock);
      break;
  }
  Hop::Kind kind = p.step == TxnParticipant::Step::kRelease ? Hop::kTxnDone : Hop::kTxnStepDone;
  if (from == self()) {
    Busy busy(t);
    if (kind == Hop::kTxnDone) p.released = true;
    participant_done(t, part);
  } else {
    link_.send_response(from, Hop{&t, part, kind});
  }
}

void Transactions::after_lock(Txn& t, uint32_t part, uint32_t from) {
  TxnParticipant& p = t.parts[part];
  run_actions(t, p);
  bool released = p.release_after;
  if (released) {
    log_release(t, p);
    locks_.release(p.lock);
  }
  if (from == self()) {
    {
      Busy busy(t);
      if (released) p.released = true;
      participant_done(t, part);
    }
    finish_if_done(t);
  } else {
    link_.send_response(from, Hop{&t, part, released ? Hop::kTxnDone : Hop::kTxnStepDone});
  }
}

void Transactions::log_release(Txn& t, TxnParticipant& p) {
  if (aof_ != nullptr && t.logs) aof_->commit(p.log, t.id, static_cast<uint16_t>(t.parts.size()));
}

void Transactions::run_actions(Txn& t, TxnParticipant& p) {
  ShardStore& store = executor_.store();
  bool skip = false;  // a watched key changed: the commands of this step do not run
  // What this participant writes goes into its record, logged when it releases.
  struct Capture {
    AofLog* aof;
    ~Capture() {
      if (aof != nullptr) aof->capture(nullptr);
    }
  } capture{aof_ != nullptr && t.logs ? aof_ : nullptr};
  if (capture.aof != nullptr) capture.aof->capture(&p.log);
  for (TxnAction& a : p.actions) {
    switch (a.kind) {
      case TxnAction::kRun: {
        if (skip) break;
        const TxnCommand& c = t.cmds[a.cmd];
        proto::ReplyBuilder rb(a.reply, c.resp);
        executor_.run(*c.spec, c.args, c.db, rb);
        break;
      }
      case TxnAction::kPart: {
        if (skip) break;
        const TxnCommand& c = t.cmds[a.cmd];
        executor_.run_part(*c.spec, c.args, c.db, a.key_idx, a.part);
        break;
      }
      case TxnAction::kDetach:
        a.detached.clear();
        a.detached.reserve(a.keys.size());
        for (const auto& [db, key] : a.keys) {
          executor_.before_key_change(db, key);  // a snapshot being taken sees it first
          a.detached.emplace_back();
          store.db(db).detach(key, a.detached.back());
        }
        break;
      case TxnAction::kAttach: {
        std::vector<AofLog::KeyRef> logged;
        if (capture.aof != nullptr) logged = AofLog::changed_keys(a.detached, a.changes);
        for (DetachedKey& k : a.detached) store.db(k.db).attach(k);
        if (capture.aof != nullptr) capture.aof->capture_state(store, logged);
        executor_.report_changes(a.changes);
      } break;
      case TxnAction::kWatch:
        for (WatchItem& w : a.watch) w.stamp = watches_.watch(w.db, w.key);
        break;
      case TxnAction::kWatchCheck:
        a.dirty = false;
        for (const WatchItem& w : a.watch) {
          if (watches_.changed(w.db, w.key, w.stamp)) a.dirty = true;
        }
        skip = skip || a.dirty;
        break;
      case TxnAction::kUnwatch:
        for (const WatchItem& w : a.watch) watches_.unwatch(w.db, w.key);
        break;
      case TxnAction::kAddWaiter:
        blocking_.add_waiter(a.wait_id, a.origin, t.client, true, t.cmds[a.cmd], a.key_idx);
        break;
      case TxnAction::kUnblock:
        a.dirty = blocking_.unblock_client(a.wait_id, a.unblock_error);
        break;
    }
  }
}

// ---- Bodies ----

void FanoutTxn::on_acquired(Transactions& t) {
  std::vector<std::vector<uint32_t>> key_idx;
  std::vector<PartResult> results;
  key_idx.reserve(parts.size());
  results.reserve(parts.size());
  for (TxnParticipant& p : parts) {
    for (TxnAction& a : p.actions) {
      if (a.kind != TxnAction::kPart) continue;
      key_idx.push_back(std::move(a.key_idx));
      results.push_back(std::move(a.part));
    }
    p.actions.clear();
  }
  proto::ReplyBuffer out;
  proto::ReplyBuilder rb(out, resp);
  merge_parts(*cmds[0].spec, cmds[0].args, key_idx, results, rb);
  t.reply(*this, std::move(out));
  t.release_all(*this);
}

std::unique_ptr<MigrateTxn> make_migrate_txn(const CommandSpec& spec, ArgList args, int db,
                                             int resp, uint64_t client, uint32_t shards) {
  auto t = std::make_unique<MigrateTxn>();
  t->resp = resp;
  t->client = client;
  t->cmds.resize(1);
  TxnCommand& cmd = t->cmds[0];
  cmd.spec = &spec;
  cmd.db = db;
  cmd.resp = resp;
  cmd.set_args(args);
  std::vector<LockKeyRef> refs = lock_key_refs(spec, cmd.args, cmd.db);
  std::vector<uint32_t> owner;
  for (const LockKeyRef& r : refs) owner.push_back(shard_of(cmd.args[r.argv], shards));
  std::vector<uint32_t> order = owner;
  std::sort(order.begin(), order.end());
  order.erase(std::unique(order.begin(), order.end()), order.end());
  t->parts.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    TxnParticipant& p = t->parts[i];
    p.shard = order[i];
    p.actions.emplace_back().kind = TxnAction::kDetach;
  }
  for (size_t k = 0; k < refs.size(); ++k) {
    size_t i = std::lower_bound(order.begin(), order.end(), owner[k]) - order.begin();
    TxnParticipant& p = t->parts[i];
    std::string_view key = cmd.args[refs[k].argv];
    // Exclusive even for a read-only command: its keys leave their owner while it runs, so no
    // other command (a reader included) may look at them, nor detach them as well.
    p.lock.items.push_back({refs[k].db, key, true});
    auto& keys = p.actions.back().keys;
    std::pair<int, std::string> name{refs[k].db, std::string(key)};
    if (std::find(keys.begin(), keys.end(), name) == keys.end()) keys.push_back(std::move(name));
  }
  return t;
}

void MigrateTxn::on_acquired(Transactions& t) {
  // Every key, and which participant it goes back to.
  std::vector<DetachedKey> keys;
  std::vector<uint32_t> owner;
  for (uint32_t i = 0; i < parts.size(); ++i) {
    for (TxnAction& a : parts[i].actions) {
      for (DetachedKey& k : a.detached) {
        keys.push_back(std::move(k));
        owner.push_back(i);
      }
    }
    parts[i].actions.clear();
  }
  proto::ReplyBuffer out;
  std::vector<KeyChangeRecord> changes;
  bool served = scratch->run_scratch(cmds[0], keys, out, changes, opts);
  for (TxnParticipant& p : parts) {
    p.actions.emplace_back();
    p.actions.back().kind = TxnAction::kAttach;
  }
  if (attempt) {
    // Serving a blocked client: its slot is its reply's.
    if (served && conn != nullptr) slot->buf = std::move(out);
    replied = true;
    blocking->on_attempt_done(conn, wait_id, offered_from, served);
  } else if (!served && (conn == nullptr || conn->closed)) {
    replied = true;  // the client left: nobody waits
  } else if (!served) {
    // The command blocks: it waits on its keys' owners from now on, registered before the
    // locks drop.
    const CommandSpec& spec = *cmds[0].spec;
    std::vector<uint32_t> wait = spec.block.wait_keys != nullptr
                                     ? spec.block.wait_keys(cmds[0].args)
                                     : key_indices(spec, cmds[0].args);
    auto st = std::make_unique<BlockedState>();
    st->wait_id = blocking->new_wait_id();
    st->deadline_ms = deadline_ms;
    st->resp = resp;
    st->multi = std::make_unique<MultiWait>();
    MultiWait& mw = *st->multi;
    mw.cmd.spec = cmds[0].spec;
    mw.cmd.db = cmds[0].db;
    mw.cmd.resp = cmds[0].resp;
    mw.cmd.set_args(cmds[0].args);
    uint32_t n = blocking->shards();
    for (uint32_t i = 0; i < parts.size(); ++i) {
      std::vector<uint32_t> mine;
      for (uint32_t a : wait) {
        if (shard_of(cmds[0].args[a], n) == parts[i].shard) mine.push_back(a);
      }
      if (mine.empty()) continue;
      TxnAction& reg = parts[i].actions.emplace_back();
      reg.kind = TxnAction::kAddWaiter;
      reg.cmd = 0;
      reg.key_idx = std::move(mine);
      reg.wait_id = st->wait_id;
      reg.origin = t.self();
      mw.owners.push_back(parts[i].shard);
    }
    replied = true;
    if (conn != nullptr) blocking->block(*conn, slot, std::move(st));
  } else {
    t.reply(*this, std::move(out));
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    TxnAction& a = parts[owner[k]].actions.back();
    for (const KeyChangeRecord& c : changes) {
      if (c.db == keys[k].db && c.key == keys[k].key) a.changes.push_back(c);
    }
    a.detached.push_back(std::move(keys[k]));
  }
  t.release_all(*this);
}

}  // namespace shardis::server
