#pragma once
// FabricLink: one shard's end of the fabric. It sends requests (taking a credit from
// FlowControl), responses and pushes, publishes what was sent once per loop turn (one release
// store per ring, one MSG_RING wake-up per sleeping peer), and drains the incoming rings within a
// budget.
//
// Pushes that do not fit their ring wait, in order, in a per-peer overflow queue and go out as
// the ring drains. The overflow is bounded by the caller: while push_backlog() is over
// kPushBacklogLimit the shard reads no client input (see ShardCore), so a shard whose pushes
// outrun a peer slows its own clients rather than grow without bound.
//
// With appendfsync always, every item sent while the shard's AOF holds records not yet durable
// (AofLog::holding) waits in a per-peer queue, in order, until the fsync of the records it may
// depend on completed: a response or a push can carry the result of a write (a reply, a
// transaction part's release), and later items to the same peer must not overtake it. Held
// requests took their credit when sent, and held responses answer requests in flight, so each
// fits its ring once released.
//
// Thread: the owning shard's only.
#include <shardis/runtime/io_engine.h>
#include <shardis/server/fabric.h>
#include <shardis/server/flow/flow_control.h>
#include <shardis/server/persist/aof_log.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace shardis::server {

class FabricLink {
 public:
  static constexpr uint64_t kWakeTag = 0x20;
  static constexpr size_t kPushBacklogLimit = 65536;

  // engine may be null (in-process tests with one shard: nothing is ever sent).
  FabricLink(uint32_t self, Fabric* fabric, FlowControl& flow, runtime::IoEngine* engine);

  uint32_t self() const { return self_; }
  uint32_t shards() const { return n_; }

  // A request to `to`; the caller checked flow.has_credit(to). Takes the credit unless the
  // caller holds one already (a transaction reserves its credits up front; its later steps to
  // the same participant ride on the same credit).
  void send_request(uint32_t to, const Hop& hop, bool take_credit = true);
  // Takes a credit for `to` now, for a request sent later with take_credit = false.
  void reserve_credit(uint32_t to) {
    flow_.take_credit(to);
    ++outstanding_;
  }
  // The response to a request that came from `to`.
  void send_response(uint32_t to, const Hop& hop);
  // A push to `to`; never fails (overflow queue).
  void send_push(uint32_t to, const Hop& hop);

  // Calls handle(from, hop) for up to budget items of each incoming ring (requests and
  // responses) and each push ring. Returns true if items were left for a later turn.
  template <typename Fn>
  bool drain(size_t budget, Fn&& handle);
  // Publishes this turn's items and wakes the peers that were going to sleep; moves overflowed
  // pushes into rings that have room.
  void flush();
  // The AOF whose durability gates what is sent (see above); nullptr: nothing is held.
  void set_gate(const AofLog* gate) { gate_ = gate; }
  // Items waiting for an fsync.
  size_t held() const { return held_count_; }
  // Consumer-side check before sleeping.
  bool incoming_nonempty();
  // Requests sent and not yet answered.
  uint64_t outstanding() const { return outstanding_; }
  size_t push_backlog() const { return backlog_; }

 private:
  enum class HeldKind : uint8_t { kRequest, kResponse, kPush };
  struct Held {
    uint64_t seq;
    Hop hop;
    HeldKind kind;
  };
  // Queues the item behind an fsync when it must wait; false when it may go now.
  bool hold(uint32_t to, const Hop& hop, HeldKind kind);
  // Sends the held items whose records are durable now.
  void release_held();
  void push_now(uint32_t to, const Hop& hop);

  uint32_t self_;
  uint32_t n_;
  Fabric* fabric_;
  FlowControl& flow_;
  runtime::IoEngine* engine_;
  std::vector<bool> published_;
  std::vector<std::deque<Hop>> overflow_;  // per peer
  size_t backlog_ = 0;
  uint64_t outstanding_ = 0;
  const AofLog* gate_ = nullptr;
  std::vector<std::deque<Held>> held_;  // per peer
  size_t held_count_ = 0;
};

template <typename Fn>
bool FabricLink::drain(size_t budget, Fn&& handle) {
  bool left = false;
  for (uint32_t from = 0; from < n_; ++from) {
    if (from == self_) continue;
    // A peer's pushes must not overtake the requests it sent before them (a DROP of a blocked
    // client's wait behind the transaction step that registers it). The pushes counted now were
    // published after every request published before them, and those are all taken below
    // before any of these pushes runs; when the budget stops the requests first, the pushes wait
    // for a later turn.
    auto& pushes = fabric_->push_ring(from, self_);
    size_t ready = pushes.available();
    auto& requests = fabric_->ring(from, self_);
    size_t done = 0;
    Hop hop;
    while (done < budget && requests.try_pop(hop)) {
      ++done;
      if (hop.returns_credit()) {
        --outstanding_;
        flow_.return_credit(from);
      }
      handle(from, hop);
    }
    if (done == budget && requests.peek_nonempty()) {
      left = true;
      continue;
    }
    size_t take = std::min(ready, budget);
    for (size_t i = 0; i < take && pushes.try_pop(hop); ++i) handle(from, hop);
    if (ready > take) left = true;
  }
  return left;
}

}  // namespace shardis::server
