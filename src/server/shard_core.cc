#include <shardis/server/families/family_util.h>
#include <shardis/server/shard_core.h>
#include <shardis/server/txn/multi.h>

#include <algorithm>

namespace shardis::server {

ShardCore::ShardCore(uint32_t id, Fabric* fabric, const Registry& registry, const ServerInfo& info,
                     const base::Clock& clock, const CoreOptions& options, ClientIo& io,
                     runtime::IoEngine* engine)
    : id_(id),
      registry_(registry),
      info_(info),
      opts_(options),
      io_(io),
      store_(clock, id, fabric != nullptr ? fabric->shards() : 1),
      executor_(store_),
      aof_(id, fabric != nullptr ? fabric->shards() : 1),
      flow_(fabric != nullptr ? fabric->shards() : 1,
            fabric != nullptr ? fabric->credits_per_pair() : 0, options.flow),
      link_(id, fabric, flow_, engine),
      admission_(locks_),
      watches_(store_),
      blocking_(*this),
      pubsub_(*this),
      scratch_store_(clock, id, fabric != nullptr ? fabric->shards() : 1),
      scratch_exec_(scratch_store_),
      txns_(link_, flow_, locks_, executor_, watches_, blocking_, *this, *this),
      router_(*this, registry, info, link_, flow_, executor_, admission_, txns_, *this, *this) {
  executor_.add_observer(&aof_);
  executor_.add_observer(&watches_);
  executor_.add_observer(&blocking_);
  executor_.add_observer(&pubsub_);
  executor_.set_services(this);
  store_.persist() = options.persist;
  scratch_store_.persist() = options.persist;
  aof_.set_fsync(options.persist.appendfsync);
  if (engine != nullptr) {
    aof_.set_engine(engine, kAofWriteTag | (uint64_t{id} << 8), kAofSyncTag | (uint64_t{id} << 8),
                    kAofBgSyncTag | (uint64_t{id} << 8));
  }
  link_.set_gate(&aof_);
  pubsub_.set_notify_flags(options.notify_flags);
  on_notify_flags_changed();
}

ShardCore::~ShardCore() = default;

namespace {
// Bytes for one client of the receiving shard.
struct ClientBytes final : PushMessage {
  ClientBytes(uint64_t id, std::string_view b) : client_id(id), bytes(b) {}
  void apply(ShardCore& core) override { core.post(core.id(), client_id, bytes); }
  uint64_t client_id;
  std::string bytes;
};
}  // namespace

Connection* ShardCore::client(uint64_t id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

void ShardCore::push_to(uint32_t shard, std::unique_ptr<PushMessage> msg) {
  if (shard == id_) {
    msg->apply(*this);
    return;
  }
  link_.send_push(shard, Hop{msg.release(), 0, Hop::kPush});
}

uint32_t ShardCore::notify_flags() const {
  return pubsub_.notify_flags();
}

int64_t ShardCore::blocked_clients() const {
  return static_cast<int64_t>(blocking_.blocked_clients());
}

void ShardCore::add_client(Connection& c) {
  clients_[c.client.id] = &c;
}

void ShardCore::remove_client(Connection& c) {
  clients_.erase(c.client.id);
  if ((c.pause & Connection::kPausePushRoom) != 0) std::erase(push_waiters_, &c);
  flow_.forget(c);
  unwatch_all(*this, c);
  pubsub_.forget(c);
  blocking_.on_disconnect(c);  // last: ending a wait may report the connection's output
}

void ShardCore::on_notify_flags_changed() {
  executor_.set_report_adds(blocking_.has_waiters() || wants_new_events());
}

void ShardCore::start_logging(uint64_t first_txn_id) {
  txns_.set_aof(&aof_, first_txn_id);
}

void ShardCore::flush() {
  router_.start_batch();
  settle();
  aof_.flush(base::monotonic_ms());
  link_.flush();
  if (push_waiters_.empty() || link_.push_backlog() > FabricLink::kPushBacklogLimit / 2 ||
      aof_.backlog_bytes() > AofLog::kBacklogLimit / 2) {
    return;
  }
  std::vector<Connection*> waiters;
  waiters.swap(push_waiters_);
  for (Connection* c : waiters) flow_.unpause(*c, Connection::kPausePushRoom);
}

void ShardCore::process_input(Connection& c) {
  while (!c.closed && flow_.may_parse(c)) {
    // Pushes this shard starts (messages, wake-ups) outrun a peer: its clients wait, so that the
    // overflow stays bounded. The peer drains its push rings whatever this shard does.
    if (output_backlogged()) {
      flow_.pause(c, Connection::kPausePushRoom);
      push_waiters_.push_back(&c);
      return;
    }
    std::string_view in = c.unparsed();
    if (in.empty()) return;
    auto st = c.parser.parse(in);
    if (st == proto::RespParser::Status::kNeedMore) {
      c.consume_input(c.parser.consumed());
      return;
    }
    if (st == proto::RespParser::Status::kError) {
      proto::ReplyBuilder rb(c.local_sink(), c.client.resp);
      rb.error("ERR " + c.parser.error());
      c.client.close_after_reply = true;
      flow_.pause(c, Connection::kPauseQuit);
      c.consume_input(in.size());
      return;
    }
    const auto& args = c.parser.args();
    if (opts_.reply_ok_only) {
      proto::ReplyBuilder(c.local_sink(), c.client.resp).ok();
    } else if (!router_.dispatch(c, args)) {
      c.parser.reset();
      flow_.wait_for_credit(c);
      return;
    }
    settle();
    // What it wrote may read or follow records of this shard not yet durable.
    if (aof_.holding()) c.durable_seq = aof_.appended();
    if (c.client.close_after_reply) flow_.pause(c, Connection::kPauseQuit);
    c.consume_input(c.parser.consumed());
  }
}

void ShardCore::post(uint32_t shard, uint64_t client_id, std::string_view bytes) {
  if (shard == id_) {
    auto it = clients_.find(client_id);
    if (it == clients_.end()) return;  // gone meanwhile
    Connection& c = *it->second;
    c.push(bytes);
    io_.output_ready(c);
    return;
  }
  push_to(shard, std::make_unique<ClientBytes>(client_id, bytes));
}

bool ShardCore::poll_fabric() {
  return link_.drain(opts_.incoming_budget,
                     [this](uint32_t from, const Hop& hop) { on_hop(from, hop); });
}

void ShardCore::on_hop(uint32_t from, const Hop& hop) {
  switch (hop.kind) {
    case Hop::kCommand:
      router_.serve(from, hop);
      break;
    case Hop::kCommandDone:
      router_.complete(hop);
      break;
    case Hop::kPush:
      deliver_push(hop);
      break;
    case Hop::kTxnStep:
      txns_.on_request(from, hop);
      break;
    case Hop::kTxnStepDone:
    case Hop::kTxnDone:
      txns_.on_response(hop);
      break;
  }
  settle();
}

uint64_t ShardCore::run_owned(const CommandSpec& spec, ArgList args, int db, int resp,
                              uint64_t client, uint32_t origin, bool may_block,
                              proto::ReplyBuilder& rb) {
  const Outcome& out = executor_.run(spec, args, db, rb, ExecOptions{may_block, 0});
  if (!out.blocked()) return 0;
  uint64_t wait_id = blocking_.new_wait_id();
  TxnCommand cmd;
  cmd.spec = &spec;
  cmd.db = db;
  cmd.resp = resp;
  cmd.set_args(args);
  std::vector<uint32_t> wait =
      spec.block.wait_keys != nullptr ? spec.block.wait_keys(args) : key_indices(spec, args);
  blocking_.add_waiter(wait_id, origin, client, false, cmd, wait);
  return wait_id;
}

namespace {
// The absolute deadline of a blocking command's timeout argument (0: none), as Redis takes it
// when the command starts.
int64_t block_deadline(const CommandSpec& spec, ArgList args, int64_t now_ms) {
  int i = spec.block.timeout_arg;
  if (i < 0) i += static_cast<int>(args.size());
  BlockTimeout t = parse_block_timeout(args[static_cast<size_t>(i)]);
  return t.ms > 0 ? now_ms + t.ms : 0;
}
}  // namespace

void ShardCore::block_client(Connection& c, ReplySlot* slot, const CommandSpec& spec, ArgList args,
                             uint64_t wait_id, uint32_t owner) {
  auto st = std::make_unique<BlockedState>();
  st->wait_id = wait_id;
  st->deadline_ms = block_deadline(spec, args, store_.clock().now_ms());
  st->resp = c.client.resp;
  st->owner = owner;
  blocking_.block(c, slot, std::move(st));
  // A client that hung up before its owner answered: its wait ends as any disconnected
  // client's does (counted as blocked until the owner confirms).
  if (c.closed) blocking_.on_disconnect(c);
}

void ShardCore::try_block_attempt(Connection& c) {
  BlockedState& st = *c.blocked;
  MultiWait& mw = *st.multi;
  if (mw.attempt_in_flight || mw.offers.empty()) return;
  auto [from, argv] = mw.offers.front();
  uint64_t wait_id = st.wait_id;
  auto t = make_migrate_txn(*mw.cmd.spec, mw.cmd.args, mw.cmd.db, st.resp, c.client.id, shards());
  t->scratch = this;
  t->blocking = &blocking_;
  t->conn = &c;
  t->slot = st.slot;
  t->attempt = true;
  t->wait_id = wait_id;
  t->offered_from = from;
  t->opts = ExecOptions{true, argv};
  mw.attempt_in_flight = true;
  mw.offers.erase(mw.offers.begin());
  if (!txns_.start(std::move(t))) {
    mw.attempt_in_flight = false;
    mw.offers.insert(mw.offers.begin(), {from, argv});
    attempt_retry_.push_back(c.client.id);
  }
}

bool ShardCore::run_scratch(const TxnCommand& cmd, std::vector<DetachedKey>& keys,
                            proto::ReplyBuffer& reply, std::vector<KeyChangeRecord>& changes,
                            ExecOptions opts) {
  scratch_store_.refresh_clock();
  std::vector<std::pair<int, std::string>> names;
  names.reserve(keys.size());
  for (DetachedKey& k : keys) {
    names.emplace_back(k.db, k.key);
    scratch_store_.db(k.db).attach(k);
  }
  // The scratch executor has no services (no events): its keymiss events fire here.
  executor_.report_misses_elsewhere(*cmd.spec, cmd.args, scratch_store_.db(cmd.db));
  proto::ReplyBuilder rb(reply, cmd.resp);
  const Outcome& out = scratch_exec_.run(*cmd.spec, cmd.args, cmd.db, rb, opts);
  bool blocked = out.blocked();
  for (const Outcome::Change& c : out.changes()) {
    changes.push_back({c.db, c.cls, std::string(c.key), std::string(c.event)});
  }
  for (const Outcome::Event& e : out.events()) {
    changes.push_back({e.db, e.cls, std::string(e.key), std::string(e.event), true});
  }
  keys.clear();
  keys.reserve(names.size());
  for (const auto& [db, key] : names) {
    keys.emplace_back();
    scratch_store_.db(db).detach(key, keys.back());
  }
  return !blocked;
}

void ShardCore::deliver_push(const Hop& hop) {
  std::unique_ptr<PushMessage> msg(static_cast<PushMessage*>(hop.ptr));
  msg->apply(*this);
}

bool ShardCore::maintain() {
  bool left = store_.on_turn(opts_.expire_keys_per_turn, opts_.expire_budget_us);
  if (blocking_.next_deadline() >= 0) blocking_.expire_deadlines(store_.clock().now_ms());
  if (!attempt_retry_.empty()) {
    std::vector<uint64_t> retry;
    retry.swap(attempt_retry_);
    for (uint64_t id : retry) {
      Connection* c = client(id);
      if (c != nullptr && c->blocked && c->blocked->multi) try_block_attempt(*c);
    }
  }
  settle();
  return left;
}

int ShardCore::next_timeout_ms(int idle_cap_ms) const {
  int64_t next = store_.next_expiry();
  int timeout = -1;
  if (next >= 0) {
    int64_t wait = next - store_.clock().now_ms();
    if (wait < 1) wait = 1;
    timeout = static_cast<int>(std::min<int64_t>(wait, idle_cap_ms));
  }
  int64_t deadline = blocking_.next_deadline();
  if (deadline >= 0) {
    int64_t wait = std::max<int64_t>(1, deadline - store_.clock().now_ms());
    int w = static_cast<int>(std::min<int64_t>(wait, 1000));
    timeout = timeout < 0 ? w : std::min(timeout, w);
  }
  if (link_.push_backlog() > 0 || !attempt_retry_.empty()) {
    timeout = timeout < 0 ? 1 : std::min(timeout, 1);
  }
  int aof_wait = aof_.next_timeout_ms(base::monotonic_ms());
  if (aof_wait >= 0) timeout = timeout < 0 ? aof_wait : std::min(timeout, aof_wait);
  return timeout;
}

void ShardCore::on_output(Connection& c) {
  if (aof_.holding()) c.durable_seq = aof_.appended();
  on_remote_output(c);
}

void ShardCore::on_remote_output(Connection& c) {
  // A reply that came in may bring the connection back under its output limits.
  if (!c.closed && c.pause == 0) flow_.resume_later(c);
  io_.output_ready(c);  // frees c if it is closed and nothing of it is away any more
}

}  // namespace shardis::server
