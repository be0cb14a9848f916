#include <shardis/proto/reply_builder.h>
#include <shardis/server/exec/executor.h>
#include <shardis/server/fabric_link.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/route/router.h>
#include <shardis/server/txn/admission.h>
#include <shardis/server/txn/fanout_batch.h>

namespace shardis::server {

void BatchTxn::on_acquired(Transactions& t) {
  batcher->acquired();
  // Each participant's kPart actions are in member order: one cursor per participant.
  std::vector<size_t> cursor(parts.size(), 0);
  std::vector<std::vector<uint32_t>> key_idx;
  std::vector<PartResult> results;
  for (uint32_t i = 0; i < members.size(); ++i) {
    key_idx.clear();
    results.clear();
    for (size_t p = 0; p < parts.size(); ++p) {
      std::vector<TxnAction>& actions = parts[p].actions;
      if (cursor[p] < actions.size() && actions[cursor[p]].cmd == i) {
        TxnAction& a = actions[cursor[p]++];
        key_idx.push_back(std::move(a.key_idx));
        results.push_back(std::move(a.part));
      }
    }
    const TxnCommand& cmd = cmds[i];
    Member& m = members[i];
    proto::ReplyBuilder rb(m.slot->buf, cmd.resp);
    merge_parts(*cmd.spec, cmd.args, key_idx, results, rb);
    m.slot->done = true;
    Connection& c = *m.conn;
    flow_.unpause(c, Connection::kPauseTxn);
    --c.hops_inflight;
    c.drain_pending();
    listener_.on_output(c);  // may free c if it is closed
  }
  for (TxnParticipant& p : parts) p.actions.clear();
  t.release_all(*this);
}

FanoutBatch::FanoutBatch(FabricLink& link, FlowControl& flow, Transactions& txns,
                         ReplyListener& listener)
    : link_(link),
      self_(link.self()),
      n_(link.shards()),
      flow_(flow),
      txns_(txns),
      listener_(listener),
      parts_(n_),
      credit_(n_, false) {}

bool FanoutBatch::may_join(const Connection& c, const CommandSpec& spec) {
  return c.hops_inflight == 0 && !c.blocked && spec.route == Route::kKeysFanout &&
         Admission::scope_of(spec) == LockScope::kKeys;
}

void FanoutBatch::open() {
  open_ = std::make_unique<BatchTxn>(flow_, listener_);
  open_->credits_held = true;
  bytes_ = 0;
}

bool FanoutBatch::add(Connection& c, const CommandSpec& spec, ArgList args,
                      const std::vector<std::vector<uint32_t>>& by_shard) {
  for (uint32_t s = 0; s < n_; ++s) {
    if (s == self_ || by_shard[s].empty() || (open_ && credit_[s])) continue;
    if (!flow_.has_credit(s)) {
      start(true);  // what is open goes now; this command waits for a credit
      return false;
    }
  }
  if (!open_) open();
  for (uint32_t s = 0; s < n_; ++s) {
    if (s == self_ || by_shard[s].empty() || credit_[s]) continue;
    link_.reserve_credit(s);
    credit_[s] = true;
  }
  BatchTxn& t = *open_;
  auto i = static_cast<uint32_t>(t.cmds.size());
  if (i == 0) {
    t.client = c.client.id;  // lock order: the first member's
    t.resp = c.client.resp;
  }
  TxnCommand& cmd = t.cmds.emplace_back();
  cmd.spec = &spec;
  cmd.db = c.client.db;
  cmd.resp = c.client.resp;
  cmd.set_args(args);
  for (uint32_t s = 0; s < n_; ++s) {
    if (!by_shard[s].empty()) parts_[s].push_back({i, by_shard[s]});
  }
  for (std::string_view a : args) bytes_ += a.size();
  ++c.hops_inflight;
  t.members.push_back({&c, c.add_pending_slot()});
  flow_.pause(c, Connection::kPauseTxn);
  if (t.cmds.size() >= kMaxMembers || bytes_ >= kMaxBytes) start(true);
  return true;
}

void FanoutBatch::start(bool force) {
  if (!open_ || (acquiring_ > 0 && !force)) return;
  std::unique_ptr<BatchTxn> t = std::move(open_);
  t->batcher = this;
  ++acquiring_;
  size_t involved = 0;
  for (uint32_t s = 0; s < n_; ++s) involved += parts_[s].empty() ? 0 : 1;
  t->parts.reserve(involved);
  for (uint32_t s = 0; s < n_; ++s) {
    if (parts_[s].empty()) continue;
    TxnParticipant& p = t->parts.emplace_back();
    p.shard = s;
    p.lock.scope = LockScope::kKeys;
    p.actions.reserve(parts_[s].size());
    for (Part& part : parts_[s]) {
      const TxnCommand& cmd = t->cmds[part.cmd];
      bool write = (cmd.spec->flags & kWrite) != 0;
      for (uint32_t k : part.key_idx) p.lock.items.push_back({cmd.db, cmd.args[k], write});
      TxnAction& a = p.actions.emplace_back();
      a.kind = TxnAction::kPart;
      a.cmd = part.cmd;
      a.key_idx = std::move(part.key_idx);
    }
    parts_[s].clear();
    credit_[s] = false;
  }
  t->parts.back().release_after = true;
  txns_.start(std::move(t));
}

}  // namespace shardis::server
