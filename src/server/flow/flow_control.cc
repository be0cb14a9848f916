#include <shardis/server/flow/flow_control.h>

#include <algorithm>

namespace shardis::server {

FlowControl::FlowControl(uint32_t shards, uint32_t credits_per_peer, FlowLimits limits)
    : credits_(shards, credits_per_peer), limits_(limits) {}

void FlowControl::return_credit(uint32_t peer) {
  ++credits_[peer];
  if (credit_waiters_.empty()) return;
  for (Connection* c : credit_waiters_) {
    c->pause &= static_cast<uint8_t>(~Connection::kPauseCredit);
    resume_later(*c);
  }
  credit_waiters_.clear();
}

void FlowControl::wait_for_credit(Connection& c) {
  if ((c.pause & Connection::kPauseCredit) != 0) return;
  c.pause |= Connection::kPauseCredit;
  credit_waiters_.push_back(&c);
}

void FlowControl::unpause(Connection& c, uint8_t reason) {
  if ((c.pause & reason) == 0) return;
  c.pause &= static_cast<uint8_t>(~reason);
  if (c.pause == 0) resume_later(c);
}

void FlowControl::resume_later(Connection& c) {
  if (c.in_resume_list) return;
  c.in_resume_list = true;
  resumed_.push_back(&c);
}

std::vector<Connection*> FlowControl::take_resumed() {
  std::vector<Connection*> out;
  out.swap(resumed_);
  for (Connection* c : out) c->in_resume_list = false;
  return out;
}

void FlowControl::forget(Connection& c) {
  std::erase(credit_waiters_, &c);
  if (c.in_resume_list) {
    std::erase(resumed_, &c);
    c.in_resume_list = false;
  }
}

}  // namespace shardis::server
