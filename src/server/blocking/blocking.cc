#include <shardis/proto/reply_builder.h>
#include <shardis/server/blocking/blocking.h>
#include <shardis/server/db_key.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/admission.h>

#include <algorithm>
#include <cstring>

namespace shardis::server {

namespace {

// ---- Messages between the two sides ----

struct WakeMessage final : PushMessage {
  uint64_t client = 0;
  uint64_t wait_id = 0;
  std::string bytes;
  void apply(ShardCore& core) override { core.blocking().on_wake(client, wait_id, bytes); }
};

struct CancelMessage final : PushMessage {
  uint64_t wait_id = 0;
  WaitEnd how = WaitEnd::kTimeout;
  void apply(ShardCore& core) override { core.blocking().cancel(wait_id, how); }
};

struct DropMessage final : PushMessage {
  uint64_t wait_id = 0;
  void apply(ShardCore& core) override { core.blocking().drop(wait_id); }
};

struct OfferMessage final : PushMessage {
  uint64_t client = 0;
  uint64_t wait_id = 0;
  uint32_t from = 0;
  uint32_t argv = 0;
  void apply(ShardCore& core) override { core.blocking().on_offer(client, wait_id, from, argv); }
};

struct OfferDoneMessage final : PushMessage {
  uint64_t wait_id = 0;
  void apply(ShardCore& core) override { core.blocking().offer_done(wait_id); }
};

}  // namespace

Blocking::Blocking(ShardCore& core) : core_(core) {}
Blocking::~Blocking() = default;

std::string Blocking::name_of(int db, std::string_view key) {
  return db_key(db, key);
}

// ---- Owner side ----

size_t Blocking::Waiter::index_of(const std::string& name) const {
  for (size_t i = 0; i < argv.size(); ++i) {
    if (name_of(cmd.db, cmd.args[argv[i]]) == name) return i;
  }
  return argv.size();
}

void Blocking::add_waiter(uint64_t wait_id, uint32_t origin, uint64_t client, bool multi,
                          const TxnCommand& cmd, const std::vector<uint32_t>& wait_argv) {
  Waiter& w = waiters_[wait_id];
  w.wait_id = wait_id;
  w.origin = origin;
  w.client = client;
  w.multi = multi;
  w.cmd.spec = cmd.spec;
  w.cmd.db = cmd.db;
  w.cmd.resp = cmd.resp;
  w.cmd.set_args(cmd.args);
  w.argv.reserve(wait_argv.size());
  for (uint32_t i : wait_argv) {
    std::string name = name_of(cmd.db, cmd.args[i]);
    if (w.index_of(name) < w.argv.size()) continue;  // a key named twice waits once
    by_key_[std::move(name)].push_back(&w);
    w.argv.push_back(i);
  }
  core_.executor().set_report_adds(true);
}

void Blocking::unlink(Waiter& w) {
  for (size_t i = 0; i < w.argv.size(); ++i) {
    auto it = by_key_.find(w.name(i));
    if (it == by_key_.end()) continue;
    it->second.erase_first(&w);
    if (it->second.empty()) by_key_.erase(it);
  }
}

void Blocking::on_key_added(int db, std::string_view key, ObjType) {
  if (by_key_.empty()) return;
  std::string name = name_of(db, key);
  if (by_key_.count(name) == 0) return;
  if (ready_set_.insert(name).second) ready_.push_back(std::move(name));
}

void Blocking::serve_ready() {
  if (serving_ || (ready_.empty() && deferred_.empty())) return;
  serving_ = true;
  for (std::string& name : deferred_) {
    if (ready_set_.insert(name).second) ready_.push_back(std::move(name));
  }
  deferred_.clear();
  // Serving may make more keys ready (BLMOVE pushes into its destination): go on until none
  // is left. Each round serves or leaves every waiter it looks at, so this ends.
  while (!ready_.empty()) {
    std::vector<std::string> now;
    now.swap(ready_);
    for (const std::string& name : now) ready_set_.erase(name);
    for (const std::string& name : now) serve_key(name);
  }
  serving_ = false;
}

bool Blocking::serve_key(const std::string& name) {
  int db = db_key_db(name);
  std::string_view key = db_key_key(name);
  bool progress = false;
  for (;;) {
    auto it = by_key_.find(name);
    if (it == by_key_.end() || it->second.empty()) return progress;
    Waiter& w = *it->second.front();
    // Redis 7.0 serves a waiter only from a key of the type it waits for; a key of another type
    // leaves it blocked.
    const core::Entry* e = core_.store().db(db).peek(key);
    if (e == nullptr || Db::type_of(e) != w.cmd.spec->block.type) return progress;
    // A transaction holding the key (or a key the command writes) serves it after it releases.
    if (core_.admission().must_wait(0, *w.cmd.spec, w.cmd.args, w.cmd.db)) {
      deferred_.push_back(name);
      return progress;
    }
    if (w.multi) {
      if (!w.offered) {
        w.offered = true;
        size_t k = w.index_of(name);
        auto msg = std::make_unique<OfferMessage>();
        msg->client = w.client;
        msg->wait_id = w.wait_id;
        msg->from = core_.id();
        msg->argv = w.argv[k];
        core_.push_to(w.origin, std::move(msg));
      }
      return progress;  // first come, first served: later waiters wait for this offer
    }
    size_t k = w.index_of(name);
    proto::ReplyBuffer out;
    proto::ReplyBuilder rb(out, w.cmd.resp);
    const Outcome& o =
        core_.executor().run(*w.cmd.spec, w.cmd.args, w.cmd.db, rb, ExecOptions{true, w.argv[k]});
    if (o.blocked()) return progress;
    progress = true;
    auto owned = waiters_.extract(w.wait_id);
    unlink(owned.mapped());
    send_wake(owned.mapped(), out.to_string());
  }
}

void Blocking::send_wake(const Waiter& w, std::string bytes) {
  if (waiters_.empty()) core_.executor().set_report_adds(core_.wants_new_events());
  auto msg = std::make_unique<WakeMessage>();
  msg->client = w.client;
  msg->wait_id = w.wait_id;
  msg->bytes = std::move(bytes);
  core_.push_to(w.origin, std::move(msg));
}

std::string Blocking::end_reply(int resp, WaitEnd how) const {
  proto::ReplyBuffer out;
  proto::ReplyBuilder rb(out, resp);
  switch (how) {
    case WaitEnd::kTimeout:
      rb.null_array();
      break;
    case WaitEnd::kError:
      rb.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
      break;
    case WaitEnd::kGone:
      break;
  }
  return out.to_string();
}

void Blocking::cancel(uint64_t wait_id, WaitEnd how) {
  auto w = waiters_.extract(wait_id);
  if (w.empty()) return;  // served already: that wake-up is on its way
  unlink(w.mapped());
  send_wake(w.mapped(), end_reply(w.mapped().cmd.resp, how));
}

void Blocking::drop(uint64_t wait_id) {
  auto node = waiters_.extract(wait_id);
  if (node.empty()) return;
  Waiter& w = node.mapped();
  unlink(w);
  if (waiters_.empty()) core_.executor().set_report_adds(core_.wants_new_events());
  // Waiters behind it may be servable now.
  for (size_t i = 0; i < w.argv.size(); ++i) {
    std::string name = w.name(i);
    if (by_key_.count(name) != 0 && ready_set_.insert(name).second) {
      ready_.push_back(std::move(name));
    }
  }
}

void Blocking::offer_done(uint64_t wait_id) {
  auto it = waiters_.find(wait_id);
  if (it == waiters_.end()) return;
  Waiter& w = it->second;
  w.offered = false;
  for (size_t i = 0; i < w.argv.size(); ++i) {
    std::string name = w.name(i);
    if (ready_set_.insert(name).second) ready_.push_back(std::move(name));
  }
}

// ---- Coordinator side ----

uint32_t Blocking::shards() const {
  return core_.shards();
}

uint64_t Blocking::new_wait_id() {
  return ++wait_seq_ * core_.shards() + core_.id();
}

void Blocking::block(Connection& c, ReplySlot* slot, std::unique_ptr<BlockedState> st) {
  st->slot = slot;
  if (st->deadline_ms > 0) deadlines_.push({st->deadline_ms, c.client.id, st->wait_id});
  blocked_conns_[st->wait_id] = &c;
  c.blocked = std::move(st);
  ++blocked_;
  ++c.hops_inflight;
  core_.flow().pause(c, Connection::kPauseBlocked);
}

void Blocking::finish(Connection& c, std::string_view bytes) {
  std::unique_ptr<BlockedState> st = std::move(c.blocked);
  blocked_conns_.erase(st->wait_id);
  --blocked_;
  if (!bytes.empty()) st->slot->buf.append(bytes);
  --c.hops_inflight;
  core_.flow().unpause(c, Connection::kPauseBlocked);
  core_.deliver(c, *st->slot);  // may free c if it is closed
}

void Blocking::on_wake(uint64_t, uint64_t wait_id, std::string_view bytes) {
  auto it = blocked_conns_.find(wait_id);
  if (it == blocked_conns_.end()) return;
  Connection& c = *it->second;
  if (!c.blocked || c.blocked->wait_id != wait_id) return;
  finish(c, c.closed ? std::string_view() : bytes);
}

void Blocking::on_offer(uint64_t, uint64_t wait_id, uint32_t from, uint32_t serve_argv) {
  auto it = blocked_conns_.find(wait_id);
  if (it == blocked_conns_.end()) return;  // ended: the owner has (or will get) the drop
  Connection& c = *it->second;
  MultiWait& mw = *c.blocked->multi;
  mw.offers.emplace_back(from, serve_argv);
  if (!mw.attempt_in_flight) core_.try_block_attempt(c);
}

void Blocking::on_attempt_done(Connection* c, uint64_t wait_id, uint32_t offered_from,
                               bool served) {
  if (c == nullptr || !c->blocked || c->blocked->wait_id != wait_id) return;
  MultiWait& mw = *c->blocked->multi;
  mw.attempt_in_flight = false;
  if (served) {
    for (uint32_t s : mw.owners) {
      auto msg = std::make_unique<DropMessage>();
      msg->wait_id = wait_id;
      core_.push_to(s, std::move(msg));
    }
    finish(*c, {});  // the attempt wrote the reply into the slot
    return;
  }
  auto done = std::make_unique<OfferDoneMessage>();
  done->wait_id = wait_id;
  core_.push_to(offered_from, std::move(done));
  if (mw.pending_end != MultiWait::End::kNone) {
    WaitEnd how = mw.pending_end == MultiWait::End::kError  ? WaitEnd::kError
                  : mw.pending_end == MultiWait::End::kGone ? WaitEnd::kGone
                                                            : WaitEnd::kTimeout;
    end(*c, how);
    return;
  }
  if (!mw.offers.empty()) core_.try_block_attempt(*c);
}

void Blocking::end(Connection& c, WaitEnd how) {
  BlockedState& st = *c.blocked;
  if (!st.multi) {
    if (st.cancel_sent) return;
    st.cancel_sent = true;
    auto msg = std::make_unique<CancelMessage>();
    msg->wait_id = st.wait_id;
    msg->how = how;
    core_.push_to(st.owner, std::move(msg));
    return;
  }
  MultiWait& mw = *st.multi;
  if (mw.attempt_in_flight) {
    mw.pending_end = how == WaitEnd::kError  ? MultiWait::End::kError
                     : how == WaitEnd::kGone ? MultiWait::End::kGone
                                             : MultiWait::End::kTimeout;
    return;
  }
  for (uint32_t s : mw.owners) {
    auto msg = std::make_unique<DropMessage>();
    msg->wait_id = st.wait_id;
    core_.push_to(s, std::move(msg));
  }
  std::string bytes = end_reply(st.resp, how);
  finish(c, bytes);
}

bool Blocking::unblock(Connection& c, bool error) {
  if (!c.blocked) return false;
  end(c, error ? WaitEnd::kError : WaitEnd::kTimeout);
  return true;
}

bool Blocking::unblock_client(uint64_t client, bool error) {
  Connection* c = core_.client(client);
  return c != nullptr && unblock(*c, error);
}

void Blocking::on_disconnect(Connection& c) {
  if (c.blocked) end(c, WaitEnd::kGone);
}

int64_t Blocking::next_deadline() const {
  return deadlines_.empty() ? -1 : deadlines_.top().at;
}

void Blocking::expire_deadlines(int64_t now_ms) {
  while (!deadlines_.empty() && deadlines_.top().at <= now_ms) {
    Deadline d = deadlines_.top();
    deadlines_.pop();
    auto it = blocked_conns_.find(d.wait_id);
    if (it == blocked_conns_.end()) continue;
    Connection& c = *it->second;
    if (c.blocked && c.blocked->wait_id == d.wait_id) end(c, WaitEnd::kTimeout);
  }
}

}  // namespace shardis::server
