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
      flow_(fabric != nullptr ? fabric->shards() : 1,
            fabric != nullptr ? fabric->credits_per_pair() : 0, options.flow),
      link_(id, fabric, flow_, engine),
      admission_(locks_),
      watches_(store_),
      scratch_store_(clock, id, fabric != nullptr ? fabric->shards() : 1),
      scratch_exec_(scratch_store_),
      txns_(link_, flow_, locks_, executor_, watches_, *this, *this),
      router_(*this, registry, info, link_, flow_, executor_, admission_, txns_, *this, *this) {
  executor_.add_observer(&watches_);
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

void ShardCore::add_client(Connection& c) {
  clients_[c.client.id] = &c;
}

void ShardCore::remove_client(Connection& c) {
  clients_.erase(c.client.id);
  flow_.forget(c);
  unwatch_all(*this, c);
}

void ShardCore::process_input(Connection& c) {
  while (!c.closed && flow_.may_parse(c)) {
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
    locks_.run_granted();
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
  locks_.run_granted();
}

void ShardCore::run_scratch(const TxnCommand& cmd, std::vector<DetachedKey>& keys,
                            proto::ReplyBuffer& reply, std::vector<KeyChangeRecord>& changes) {
  scratch_store_.refresh_clock();
  std::vector<std::pair<int, std::string>> names;
  names.reserve(keys.size());
  for (DetachedKey& k : keys) {
    names.emplace_back(k.db, k.key);
    scratch_store_.db(k.db).attach(k);
  }
  proto::ReplyBuilder rb(reply, cmd.resp);
  const Outcome& out = scratch_exec_.run(*cmd.spec, cmd.args, cmd.db, rb);
  for (const Outcome::Change& c : out.changes()) {
    changes.push_back({c.db, c.cls, std::string(c.key), std::string(c.event)});
  }
  keys.clear();
  keys.reserve(names.size());
  for (const auto& [db, key] : names) {
    keys.emplace_back();
    scratch_store_.db(db).detach(key, keys.back());
  }
}

void ShardCore::deliver_push(const Hop& hop) {
  std::unique_ptr<PushMessage> msg(static_cast<PushMessage*>(hop.ptr));
  msg->apply(*this);
}

bool ShardCore::maintain() {
  return store_.on_turn(opts_.expire_keys_per_turn, opts_.expire_budget_us);
}

int ShardCore::next_timeout_ms(int idle_cap_ms) const {
  int64_t next = store_.next_expiry();
  int timeout = -1;
  if (next >= 0) {
    int64_t wait = next - store_.clock().now_ms();
    if (wait < 1) wait = 1;
    timeout = static_cast<int>(std::min<int64_t>(wait, idle_cap_ms));
  }
  if (link_.push_backlog() > 0) timeout = timeout < 0 ? 1 : std::min(timeout, 1);
  return timeout;
}

void ShardCore::on_output(Connection& c) {
  // A reply that came in may bring the connection back under its output limits.
  if (!c.closed && c.pause == 0) flow_.resume_later(c);
  io_.output_ready(c);  // frees c if it is closed and nothing of it is away any more
}

}  // namespace shardis::server
