#include <shardis/server/exec/executor.h>
#include <shardis/server/fabric_link.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/route/router.h>
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

namespace {
// Keeps a transaction alive while a coordinator frame works on it.
struct Busy {
  explicit Busy(Txn& t) : t(t) { ++t.depth; }
  ~Busy() { --t.depth; }
  Txn& t;
};
}  // namespace

Transactions::Transactions(FabricLink& link, FlowControl& flow, LockTable& locks,
                           Executor& executor, WatchTable& watches, ScratchRunner& scratch,
                           ReplyListener& listener)
    : link_(link),
      flow_(flow),
      locks_(locks),
      executor_(executor),
      watches_(watches),
      scratch_(scratch),
      listener_(listener) {}

Transactions::~Transactions() = default;

uint32_t Transactions::self() const {
  return link_.self();
}

// ---- Coordinator ----

bool Transactions::start(std::unique_ptr<Txn> owned) {
  for (const TxnParticipant& p : owned->parts) {
    if (p.shard != self() && !flow_.has_credit(p.shard)) return false;
  }
  Txn& t = *owned.release();
  for (TxnParticipant& p : t.parts) {
    if (p.shard != self()) link_.reserve_credit(p.shard);
  }
  ++active_;
  if (t.conn != nullptr) {
    t.slot = t.conn->add_pending_slot();
    ++t.conn->hops_inflight;
    flow_.pause(*t.conn, Connection::kPauseTxn);
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
  t.slot->done = true;
  t.conn->drain_pending();
  listener_.on_output(*t.conn);
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
  if (t.conn != nullptr) {
    Connection& c = *t.conn;
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
      p.lock.granted_fn = [this, &t, part, from] { after_lock(t, part, from); };
      if (locks_.acquire(p.lock)) after_lock(t, part, from);
      return;
    case TxnParticipant::Step::kRun:
      run_actions(t, p);
      break;
    case TxnParticipant::Step::kRelease:
      run_actions(t, p);
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
  if (released) locks_.release(p.lock);
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

void Transactions::run_actions(Txn& t, TxnParticipant& p) {
  ShardStore& store = executor_.store();
  bool skip = false;  // a watched key changed: the commands of this step do not run
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
          a.detached.emplace_back();
          store.db(db).detach(key, a.detached.back());
        }
        break;
      case TxnAction::kAttach:
        for (DetachedKey& k : a.detached) store.db(k.db).attach(k);
        executor_.report_changes(a.changes);
        break;
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
    }
  }
}

// ---- Bodies ----

void FanoutTxn::on_acquired(Transactions& t) {
  std::vector<std::vector<uint32_t>> key_idx;
  std::vector<PartResult> results;
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
  scratch->run_scratch(cmds[0], keys, out, changes);
  t.reply(*this, std::move(out));
  for (TxnParticipant& p : parts) {
    p.actions.emplace_back();
    p.actions.back().kind = TxnAction::kAttach;
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
