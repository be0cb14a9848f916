#include <shardis/proto/reply_builder.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/fabric_link.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/reply_listener.h>
#include <shardis/server/route/router.h>
#include <shardis/server/txn/admission.h>
#include <shardis/server/txn/fanout_batch.h>

namespace shardis::server {

void BatchTxn::on_acquired(Transactions& t) {
  batcher->acquired();
  // Each participant's actions are in member order, and a member's in command order: one
  // cursor per participant.
  std::vector<size_t> cursor(parts.size(), 0);
  std::vector<std::vector<std::vector<uint32_t>>> keys;  // per command of the member
  std::vector<std::vector<PartResult>> results;
  for (Member& m : members) {
    keys.assign(m.count, {});
    results.assign(m.count, {});
    const uint32_t end = m.first + m.count;
    for (size_t p = 0; p < parts.size(); ++p) {
      std::vector<TxnAction>& actions = parts[p].actions;
      for (; cursor[p] < actions.size() && actions[cursor[p]].cmd < end; ++cursor[p]) {
        TxnAction& a = actions[cursor[p]];
        const uint32_t j = a.cmd - m.first;
        if (a.kind == TxnAction::kRun) {
          m.replies[j] = std::move(a.reply);
        } else {
          keys[j].push_back(std::move(a.key_idx));
          results[j].push_back(std::move(a.part));
        }
      }
    }
    reply_to(m, keys, results);
    if (t.logging(*this)) {
      held_ = true;
    } else {
      deliver(m);
    }
  }
  for (TxnParticipant& p : parts) p.actions.clear();
  t.release_all(*this);
}

void BatchTxn::on_finished(Transactions&) {
  if (!held_) return;
  held_ = false;
  for (Member& m : members) deliver(m);
}

void BatchTxn::deliver(Member& m) {
  Connection& c = *m.conn;
  flow_.unpause(c, Connection::kPauseTxn);
  --c.hops_inflight;
  listener_.deliver(c, *m.slot);  // may free c if it is closed
}

void BatchTxn::reply_to(Member& m, std::vector<std::vector<std::vector<uint32_t>>>& keys,
                        std::vector<std::vector<PartResult>>& results) {
  if (!m.exec) {
    const TxnCommand& cmd = cmds[m.first];
    proto::ReplyBuilder rb(m.slot->buf, cmd.resp);
    merge_parts(*cmd.spec, cmd.args, keys[0], results[0], rb);
  } else {
    for (uint32_t j = 0; j < m.count; ++j) {
      if (!m.merged[j]) continue;
      const TxnCommand& cmd = cmds[m.first + j];
      proto::ReplyBuilder rb(m.replies[j], cmd.resp);
      merge_parts(*cmd.spec, cmd.args, keys[j], results[j], rb);
    }
    proto::ReplyBuilder(m.slot->buf, m.resp).array(m.count);
    for (proto::ReplyBuffer& r : m.replies) m.slot->buf.append_buffer(std::move(r));
  }
}

FanoutBatch::FanoutBatch(FabricLink& link, FlowControl& flow, Transactions& txns,
                         ReplyListener& listener)
    : link_(link),
      self_(link.self()),
      n_(link.shards()),
      flow_(flow),
      txns_(txns),
      listener_(listener),
      actions_(n_),
      items_(n_),
      credit_(n_, false) {}

bool FanoutBatch::may_join(const Connection& c, const CommandSpec& spec) {
  return c.hops_inflight == 0 && !c.blocked && spec.route == Route::kKeysFanout &&
         Admission::scope_of(spec) == LockScope::kKeys;
}

bool FanoutBatch::may_join_exec(const Connection& c,
                                const std::vector<TxnParticipant>& parts) const {
  if (c.hops_inflight != 0 || c.blocked || parts.size() < 2) return false;
  for (const TxnParticipant& p : parts) {
    if (p.lock.scope != LockScope::kKeys) return false;
    if (p.shard != self_ && !(open_ && credit_[p.shard]) && !flow_.has_credit(p.shard)) {
      return false;
    }
  }
  return true;
}

void FanoutBatch::open() {
  open_ = std::make_unique<BatchTxn>(flow_, listener_);
  open_->credits_held = true;
  bytes_ = 0;
}

void FanoutBatch::take_credits(const std::vector<uint32_t>& shards) {
  if (!open_) open();
  for (uint32_t s : shards) {
    if (s == self_ || credit_[s]) continue;
    link_.reserve_credit(s);
    credit_[s] = true;
  }
}

void FanoutBatch::joined(Connection& c, BatchTxn::Member&& m) {
  BatchTxn& t = *open_;
  if (t.members.empty()) t.client = c.client.id;  // lock order: the first member's
  ++c.hops_inflight;
  m.conn = &c;
  m.slot = c.add_pending_slot();
  t.members.push_back(std::move(m));
  flow_.pause(c, Connection::kPauseTxn);
  if (t.members.size() >= kMaxMembers || bytes_ >= kMaxBytes) start(true);
}

bool FanoutBatch::add(Connection& c, const CommandSpec& spec, ArgList args,
                      const std::vector<std::vector<uint32_t>>& by_shard) {
  std::vector<uint32_t> shards;
  for (uint32_t s = 0; s < n_; ++s) {
    if (by_shard[s].empty()) continue;
    shards.push_back(s);
    if (s == self_ || (open_ && credit_[s])) continue;
    if (!flow_.has_credit(s)) {
      start(true);  // what is open goes now; this command waits for a credit
      return false;
    }
  }
  take_credits(shards);
  BatchTxn& t = *open_;
  auto i = static_cast<uint32_t>(t.cmds.size());
  TxnCommand& cmd = t.cmds.emplace_back();
  cmd.spec = &spec;
  cmd.db = c.client.db;
  cmd.resp = c.client.resp;
  cmd.set_args(args);
  const bool write = (spec.flags & kWrite) != 0;
  for (uint32_t s : shards) {
    for (uint32_t k : by_shard[s]) items_[s].push_back({cmd.db, cmd.args[k], write});
    TxnAction& a = actions_[s].emplace_back();
    a.kind = TxnAction::kPart;
    a.cmd = i;
    a.key_idx = by_shard[s];
  }
  for (std::string_view a : args) bytes_ += a.size();
  BatchTxn::Member m;
  m.first = i;
  joined(c, std::move(m));
  return true;
}

void FanoutBatch::add_exec(Connection& c, ExecBlock&& block) {
  std::vector<uint32_t> shards;
  for (const TxnParticipant& p : block.parts) shards.push_back(p.shard);
  take_credits(shards);
  BatchTxn& t = *open_;
  auto first = static_cast<uint32_t>(t.cmds.size());
  for (TxnCommand& cmd : block.cmds) {
    for (std::string_view a : cmd.args) bytes_ += a.size();
    t.cmds.push_back(std::move(cmd));
  }
  for (TxnParticipant& p : block.parts) {
    std::vector<LockItem>& items = items_[p.shard];
    items.insert(items.end(), p.lock.items.begin(), p.lock.items.end());
    for (TxnAction& a : p.actions) {
      a.cmd += first;
      actions_[p.shard].push_back(std::move(a));
    }
  }
  BatchTxn::Member m;
  m.first = first;
  m.count = static_cast<uint32_t>(block.replies.size());
  m.exec = true;
  m.replies = std::move(block.replies);
  m.merged = std::move(block.merged);
  m.resp = block.resp;
  joined(c, std::move(m));
}

void FanoutBatch::start(bool force) {
  if (!open_ || (acquiring_ > 0 && !force)) return;
  std::unique_ptr<BatchTxn> t = std::move(open_);
  t->batcher = this;
  ++acquiring_;
  auto involved = [this](uint32_t s) {
    return credit_[s] || !actions_[s].empty() || !items_[s].empty();
  };
  size_t count = 0;
  for (uint32_t s = 0; s < n_; ++s) count += involved(s) ? 1 : 0;
  t->parts.reserve(count);
  for (uint32_t s = 0; s < n_; ++s) {
    if (!involved(s)) continue;
    TxnParticipant& p = t->parts.emplace_back();
    p.shard = s;
    p.lock.scope = LockScope::kKeys;
    p.lock.items = std::move(items_[s]);
    p.actions = std::move(actions_[s]);
    items_[s].clear();
    actions_[s].clear();
    credit_[s] = false;
  }
  t->parts.back().release_after = true;
  txns_.start(std::move(t));
}

}  // namespace shardis::server
