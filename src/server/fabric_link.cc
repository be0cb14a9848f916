#include <shardis/server/fabric_link.h>

#include <atomic>
#include <cassert>

namespace shardis::server {

FabricLink::FabricLink(uint32_t self, Fabric* fabric, FlowControl& flow, runtime::IoEngine* engine)
    : self_(self),
      n_(fabric != nullptr ? fabric->shards() : 1),
      fabric_(fabric),
      flow_(flow),
      engine_(engine),
      published_(n_, false),
      overflow_(n_),
      held_(n_) {}

bool FabricLink::hold(uint32_t to, const Hop& hop, HeldKind kind) {
  if (gate_ == nullptr) return false;
  if (!gate_->holding()) {
    if (held_[to].empty()) return false;
    release_held();
    if (held_[to].empty()) return false;
  }
  held_[to].push_back(Held{gate_->appended(), hop, kind});
  ++held_count_;
  return true;
}

void FabricLink::release_held() {
  if (held_count_ == 0) return;
  const uint64_t released = gate_->released();
  for (uint32_t to = 0; to < n_; ++to) {
    auto& q = held_[to];
    while (!q.empty() && q.front().seq <= released) {
      const Held h = q.front();
      q.pop_front();
      --held_count_;
      if (h.kind == HeldKind::kPush) {
        push_now(to, h.hop);
      } else {
        bool ok = fabric_->ring(self_, to).try_push(h.hop);
        assert(ok && "held requests hold their credit; held responses answer requests in flight");
        (void)ok;
      }
    }
  }
}

void FabricLink::send_request(uint32_t to, const Hop& hop, bool take_credit) {
  if (take_credit) {
    flow_.take_credit(to);
    ++outstanding_;
  }
  if (hold(to, hop, HeldKind::kRequest)) return;
  bool ok = fabric_->ring(self_, to).try_push(hop);
  assert(ok && "credit accounting guarantees ring space");
  (void)ok;
}

void FabricLink::send_response(uint32_t to, const Hop& hop) {
  if (hold(to, hop, HeldKind::kResponse)) return;
  bool ok = fabric_->ring(self_, to).try_push(hop);
  assert(ok && "a response always fits: the peer holds at most capacity/2 requests to us");
  (void)ok;
}

void FabricLink::send_push(uint32_t to, const Hop& hop) {
  if (hold(to, hop, HeldKind::kPush)) return;
  push_now(to, hop);
}

void FabricLink::push_now(uint32_t to, const Hop& hop) {
  if (overflow_[to].empty() && fabric_->push_ring(self_, to).try_push(hop)) return;
  overflow_[to].push_back(hop);
  ++backlog_;
}

void FabricLink::flush() {
  if (fabric_ == nullptr) return;
  release_held();
  bool any = false;
  for (uint32_t to = 0; to < n_; ++to) {
    if (to == self_) continue;
    auto& pushes = fabric_->push_ring(self_, to);
    auto& waiting = overflow_[to];
    while (!waiting.empty() && pushes.try_push(waiting.front())) {
      waiting.pop_front();
      --backlog_;
    }
    bool p1 = fabric_->ring(self_, to).publish();
    bool p2 = pushes.publish();
    published_[to] = p1 || p2;
    any |= published_[to];
  }
  if (!any || engine_ == nullptr) return;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (uint32_t to = 0; to < n_; ++to) {
    if (to == self_ || !published_[to]) continue;
    if (fabric_->sleeping(to).load(std::memory_order_relaxed)) {
      engine_->wake(fabric_->wake_handle(to), kWakeTag);
    }
  }
}

bool FabricLink::incoming_nonempty() {
  if (fabric_ == nullptr) return false;
  for (uint32_t from = 0; from < n_; ++from) {
    if (from == self_) continue;
    if (fabric_->ring(from, self_).peek_nonempty() ||
        fabric_->push_ring(from, self_).peek_nonempty()) {
      return true;
    }
  }
  return false;
}

}  // namespace shardis::server
